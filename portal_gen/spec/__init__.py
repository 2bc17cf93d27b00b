"""Loading, validating and modelling OpenAPI descriptions."""
