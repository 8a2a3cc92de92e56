"""MPL language and the Generative-Logic engine."""
