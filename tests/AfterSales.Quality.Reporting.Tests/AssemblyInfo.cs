// The report tests render charts through ScottPlot/SkiaSharp, whose font lookup and measuring share
// process-wide caches: on a clean-clone CI run one zh-CN chart came out without its Chinese legend
// while other test classes rendered charts at the same time (not reproducible in isolation). Until that
// is understood, the classes of this assembly run one after another.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
