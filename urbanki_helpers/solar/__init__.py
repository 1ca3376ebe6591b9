"""Solar obligation (use case 04): rules, permits, change detection, roof potential, MaStR."""
