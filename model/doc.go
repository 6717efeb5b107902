// Package model reads, checks and writes Homeostat models: the graph of
// services, supervisors and VM hosts that SPEC.md defines, in its YAML
// text form, the same structure as JSON, and the binary protobuf form
// (proto/homeostat/v1). Every engine reads the protobuf Model; this
// package is how a person's file becomes one, and how a mistake in it is
// reported with its file, line, column and field path, all at once, before
// anything runs.
//
// # Reading
//
// [Load] picks the format from the file name (.yaml, .yml, .json, .pb) or,
// for any other name, from the content: bytes that are not UTF-8 text, or
// that hold control characters YAML forbids, are protobuf; anything else
// is YAML, which covers JSON. [Decode] does the same on bytes without
// validating, and [Validate] checks a decoded model. Errors are a
// [Diagnostics], which matches [ErrInvalid]; warnings never stop a model.
// [Open] loads and compiles in one step, looking every id up once, for
// the commands that run a model.
//
// The binary form of a large model is mostly its vertices. Decode reads
// them with a decoder of its own that cuts messages and strings from a
// few large blocks (a million vertices take a few thousand allocations,
// not twenty million), and hands any input it does not read plainly,
// unknown fields and bad bytes included, to proto.Unmarshal: the model
// or the error is always the one proto.Unmarshal gives.
//
// # The text form
//
// The text form is SPEC section 8 (examples/webshop.yaml holds it). It
// maps onto the protobuf messages field by field, with these short forms:
//
//   - depends_on lists plain ids and {id, probability, delay, weight}
//     mappings, mixed. A field written in such a mapping is set in the
//     Dependency (proto3 presence) even when it equals the default.
//   - gate is all | any | {k_of_n: K} | {threshold: T} |
//     {threshold_fraction: F}; failure is none | {bernoulli: {p}} |
//     {exponential: {mttf}} | {weibull: {shape, scale}} |
//     {schedule: [{at, duration}]} | {unavailability: U}; repair is none |
//     {exponential: {mttr}} | {fixed: {duration}}. The parameterless
//     choices may also be written {none: {}}.
//   - start_time is a duration (Delay.fixed) or {exponential: {mean}}
//     (Delay.exponential_mean); {fixed: D} is accepted too.
//   - A supervisor's settings (supervises, strategy, placement, probe,
//     backoff, max_restarts, period, max_concurrent_restarts) and a VM
//     host's (capacity, boot_time) are written flat on the vertex and go
//     into Vertex.supervisor and Vertex.vmhost. Decoding gives every
//     supervisor and VM host that message, even when it is empty.
//   - Partition sides are lists of ids: sides: [[a, b], [c]].
//   - Wherever a list of ids is expected, a single id may stand alone.
//   - Ids are text; an id written as a number (id: 123) is the text "123".
//   - Anchors, aliases and merge keys (<<: *base) work as in YAML; their
//     expansion is bounded so that a small file cannot become a huge
//     model. A file holds one YAML document; an empty one is an empty
//     model (and then fails validation: a model needs a vertex).
//   - Unknown fields, fields written twice and values of the wrong type
//     are errors, with a suggestion when a field name is misspelt.
//
// # Durations
//
// A duration is a decimal number with a unit (ns, us or µs, ms, s, m, h,
// d), several in a row ("1h30m"), or a plain integer, which is already a
// count of ticks. It becomes ticks of the model's tick (default 1s),
// rounded up: a 200ms latency with a 1s tick is one tick. The tick itself
// must carry a unit and is read before any other field of the file,
// wherever it is written. A duration finer than a nanosecond, or longer
// than about 292 years, is an error. A leading minus sign is kept, so that
// validation can say that the time must be positive. [FormatDuration]
// writes the largest unit that is exact ("90s", not "1.5m").
//
// # Positions and paths
//
// A diagnostic points at the value of the offending field (or, for an
// unknown or repeated field, at its key); for a field that is missing, at
// the mapping that should hold it. Paths use the names of the text form
// for every input, binary included: vertices[6].supervises[0] (not
// supervisor.supervises), control_plane.partitions[0].sides[1][0] (not
// sides[1].ids[0]), vertices[5].failure.schedule[0].at (not
// schedule.windows[0].at). Binary input has paths but no lines. The YAML
// parser places some syntax errors only at the start of the enclosing
// block; in files under 64 KiB the line is refined to the first line at
// which the file, cut there, fails the same way.
//
// # Choices where SPEC is silent
//
//   - Zero means "the default" in many protobuf fields (replicas, quorum,
//     max_restarts, probe interval, latency, ...). Where zero is not a
//     sensible value of its own (probe interval, link latency), writing
//     it out in the text is an error rather than a silent default; a
//     negative time is always an error. Other counts written as 0 take the
//     default the schema documents.
//   - A link's latency left out (0) means the default link's latency.
//   - A vertex with no inputs is never impaired by them: gate all has no
//     input down, and gate any is read as "impaired when every input is
//     down and there is at least one". k_of_n and the threshold gates need
//     inputs they can count, so k_of_n above the number of inputs, a
//     threshold above the total input weight, and threshold_fraction on
//     inputs that weigh nothing are errors.
//   - Weights may be zero (an input that never counts) but not negative.
//   - The same id twice in depends_on, supervises, targets, one partition,
//     or two links between the same pair are errors; so is a link from a
//     vertex to itself and a dependency on itself.
//   - A vmhost cannot be hosted_on another vmhost, and supervisors do not
//     supervise vmhosts (they ask them for instances). Any vertex may be an
//     end of a control link: supervisors probe their children over it.
//   - Two supervisors of the same child are allowed (SPEC 5), whatever
//     their strategies; the children of a replicas supervisor must be
//     services.
//   - A back-off factor, when given, is at least 1, and its max is not
//     shorter than its initial delay.
//
// # Warnings
//
//   - A dependency cycle, named by a shortest cycle through its first
//     vertex ("dependency cycle a -> b -> a", where a depends on b), with
//     the size of the whole loop when it is larger: once every member is
//     impaired, repairing one frees none (SPEC 3). Cycles of supervision
//     are reported the same way.
//   - A service that can never fail: no failure model (or one that cannot
//     fire, like p: 0), no depends_on, no hosted_on. VM hosts and
//     supervisors without a failure model are common and not reported.
//   - A supervisor that supervises nothing, and a replicas supervisor in a
//     model with no vmhost to place instances on.
//
// Validation is linear in the size of the model; cycles are found with an
// iterative Tarjan search, so a million-vertex chain needs no deep stack.
//
// # Writing
//
// [EncodeYAML] writes the text form with the short forms above, leaving
// out fields at their zero value; [EncodeJSON] writes the same structure
// as JSON. Decoding either gives back an equal model.
package model
