"""Models of the stage."""
