"""Hooks for training frameworks, each a few lines over runmeter's calls. Import the one you use:
`runmeter.integrations.keras`, `runmeter.integrations.lightning`, `runmeter.integrations.huggingface`
(importing one imports its framework; `import runmeter` imports none)."""
