"""Reading and surgically editing GSD documents.

Contract (other packages import only these):
- `planner.documents.models`: Plan, Summary, Verification, Loaded, DocKind ...
- `planner.documents.loader.load_document(path, kind=None) -> Loaded` (never raises for bad input;
  kind guessed from the file name when None), and `load_plan` / `load_summary` /
  `load_verification` shorthands.
- `planner.documents.frontmatter.read_frontmatter(text, file) -> FrontmatterResult`.
- `planner.documents.verifyblock.split_verify(text, first_line) -> VerifyBlock`.
- `planner.documents.edit`: frontmatter updates that keep other keys, order and comments; managed
  `<!-- gsd:begin NAME -->` sections; everything else byte-identical.
"""
