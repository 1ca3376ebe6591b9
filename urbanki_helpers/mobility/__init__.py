"""Mobility (use case 03): hourly count forecasts, demand of new zones, on-demand bus economics."""
