"""`opsblocks check`: rules over a recorded (or a real engine's) resource graph.

The rules import nothing but the standard library, so one implementation serves two runners:
`opsblocks check` over the offline recording, and the Pulumi policy pack in `policies/` over
the real engine's preview. Each rule is one module under `rules/<cloud>/` (or `rules/portable/`
for rules that hold on every cloud) with one `RULE`.
"""
