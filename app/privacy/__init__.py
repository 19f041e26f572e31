"""Rules about personal data that read across every domain (retention); nobody imports this package
but the `flask jiwar` commands."""
