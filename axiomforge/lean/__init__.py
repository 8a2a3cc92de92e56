"""Lean 4 toolchain backends and the proof acceptance policy."""
