// Package sim runs simulations of a model: one replication with an
// Engine (the direct driver here; a sharded in-process driver that uses
// the clock package's tick protocol; the actor engine elsewhere), several
// replications on every core, and the results, summaries, confidence
// intervals and trace digests they produce. It also replays scenario
// transcripts, the text files that pin the behaviour of the cores down.
//
// Every engine runs the same cores (package core) and feeds the same
// Collector, so for a model and a seed they give the same digest.
package sim
