"""The parts of `gsd verify` that are not checks or reports: running the plans' commands, the
SUMMARY completeness check, the optional agent judge, GitHub annotations and the write step.
`planner.commands.verify` strings them together."""
