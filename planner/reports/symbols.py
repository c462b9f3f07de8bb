"""Status labels with the symbols users know from GSD reports (seed 000): one table, every writer."""

from __future__ import annotations

from planner.results import ArtifactStatus, LinkStatus, TruthStatus

TRUTH = {
    TruthStatus.PASSED: "✓ VERIFIED",
    TruthStatus.FAILED: "✗ FAILED",
    TruthStatus.PARTIAL: "⚠️ PARTIAL",
    TruthStatus.UNCERTAIN: "? UNCERTAIN",
}
ARTIFACT = {
    ArtifactStatus.VERIFIED: "✓ VERIFIED",
    ArtifactStatus.MISSING: "✗ MISSING",
    ArtifactStatus.STUB: "⚠️ STUB",
    ArtifactStatus.FAILED: "✗ FAILED",
}
LINK = {
    LinkStatus.WIRED: "✓ WIRED",
    LinkStatus.PARTIAL: "⚠️ PARTIAL",
    LinkStatus.NOT_WIRED: "✗ NOT_WIRED",
    LinkStatus.UNRESOLVED: "✗ UNRESOLVED",
}
