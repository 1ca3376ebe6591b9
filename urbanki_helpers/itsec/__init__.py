"""IT security (use case 06, Solingen "UrbanShieldAI"): login anomalies, the asset inventory
(:mod:`.inventory`) and its matching against CISA's Known Exploited Vulnerabilities catalogue
(:mod:`.kev`) with an explainable priority list."""
