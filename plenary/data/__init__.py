"""Reference data files shipped with Plenary."""
