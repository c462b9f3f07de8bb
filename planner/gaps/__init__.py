"""Gap-closure planning: from a phase's VERIFICATION.md `gaps` to new PLAN.md files.

Steps (run by `planner.commands.plan_gaps`): read the open gaps (context), find the plans that own
their truths, group gaps by the files they touch (group), number the new plans like the phase's
own (naming), choose each task's checks (checks), build the drafts (build), render and read them
back (render), and create the files without ever replacing one (write).
Diagnostic codes: `context.CODES` and `planner.commands.plan_gaps.CODES` (GSD810-GSD817).
"""
