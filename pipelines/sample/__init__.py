"""The synthetic sample stage: plausible raw forms for any communes, for `baocao sample` (not intake:
nothing here reads what communes send; it writes through intake's one raw CSV writer)."""
