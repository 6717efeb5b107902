// Package export writes a model's structure in formats that established
// tools read, so that a model can be drawn, or its numbers checked, by
// software that knows nothing of Homeostat.
//
// [WriteDOT] writes Graphviz DOT: every kind of vertex and edge is drawn
// distinctly, and the gates, replica sets and non-default propagation of
// each edge appear in the labels. Other writers in this package turn the
// dependency structure into fault trees.
//
// Writers take a compiled [model.Graph], never a raw message: the model
// has been validated and every reference resolved.
package export
