"""Referrals: the Viewflow process between social services, network managers, organisations and volunteers."""
