"""The hazard screen (隐患排查): find regions and industries where collective disputes are starting
to rise, show the evidence, and measure how often the screen is right (evaluate.py).

Cells and weeks. Counts of collective disputes per ISO week by capture time (when a dispute
becomes known to the union), for three kinds of cell: reporting unit × GB/T 4754 section
(10 × 20), county or town (115, for the spatial method), and one enterprise (repeats).

Why these methods (HAZARD-NOTES.md, with the surveillance literature):
1. **EARS C2** (Hutwagner et al. 2003, CDC's Early Aberration Reporting System): the mean and
   SD of the 7 weeks before a 2-week guard band, with a floor on the SD so that an all-zero
   baseline does not alarm on a single dispute. Simple, explainable, no seasonality: the
   reference method every surveillance team knows.
2. **A seasonal negative-binomial model** in the spirit of the improved Farrington method
   (Farrington et al. 1996; Noufaily et al. 2013, Stat Med 32:1206): up to three years of
   history per cell, a log-linear trend where the history supports it (the province's, or a
   busy cell's own), recent weeks weighing more, past outbreaks down-weighted by their Anscombe
   residuals, over-dispersion per cell and an upper negative-binomial tail over the week, two
   or four weeks as the test. Departures for this data: the festival factor follows weeks
   relative to the Spring Festival and is estimated per industry, shrunk toward the province's;
   disputes are weighed by their size; a sparse cell needs three disputes; and each week's
   threshold is set by a stated alarm budget for the whole province (methods.budget_alpha). No
   maintained Python package implements Farrington (HAZARD-NOTES), so the model is written here
   with numpy and scipy's special functions.
3. **Emerging hot spots over counties**: local Getis-Ord Gi* (Getis & Ord 1992; esda's
   `G_Local`, star=True, binary k-nearest-neighbour weights on county and town centroids) on
   4-week rolling sums, each county's last 12 weeks classified as new, consecutive,
   intensifying, persistent, diminishing or sporadic with a Mann-Kendall trend test
   (pymannkendall), as ArcGIS's emerging hot spot analysis does. It finds clusters that span
   several neighbouring counties, which per-cell methods miss.
4. **Repeat trouble at one enterprise**: two or more collective disputes at the same firm within
   four weeks, marked as escalating when participants grow by half or the grade rises.
The evaluation also runs **ACLED's surge rule** (more than twice the last four weeks' mean) as
the naive reference to beat.

Thresholds (EARS C2 > 3, the seasonal model's p ≤ 0.005 within an alarm budget of 1 false flag
a week, Gi* z > 1.96 on at least 3 disputes) keep false alarms under 1 per 100 cell-weeks; the
seasonal model's were set on demo seed 42 and CLB's 2013 only; `python -m ledger hazards-eval`
reports how each method does on baselines and seeds the tuning did not see (docs/hazards.md).

Modules: series.py reads the weekly counts, methods.py holds the four methods, screen.py runs
them into flags (flags.py: what a flag is and says), saved.py keeps each week's screen beside its
snapshot, leading.py picks the few a page leads with, evaluate.py measures them, brief.py writes
the early warning.
"""
