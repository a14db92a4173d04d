"""The synthetic sample of data/raw/ and the test fixtures made from it (not part of `pipelines`).

Why a package apart from `pipelines`: the generator is how the committed sample is made and
reviewed, and how tests make fixtures, never something a report run calls. `samplegen.sample` is
the entry point (`python -m samplegen data`); see its docstring for the modules and what each does.
Nothing is imported here, so that `python -m samplegen.sample` runs its module only once.
"""
