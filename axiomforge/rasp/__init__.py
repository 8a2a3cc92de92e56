"""RASP: a language, its reference interpreter, and a compiler to exact PyTorch transformers.

Stages (one module each): `parser` (.rasp text -> IR) and `api` (Python -> IR); `interpreter`
(the reference semantics); `graph` (IR -> lowered graph), `valuesets` (exact reachable values),
`layout` (sub-layer schedule and residual allocation), `craft` (weights), `model` (torch module),
`export` (safetensors + sidecar, loader, TransformerLens), `pictures`, `verify`.
"""
