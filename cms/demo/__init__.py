"""Demo content (``load_demo_content``) and synthetic data for benchmarks (``generate_services``)."""
