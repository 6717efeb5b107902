package sim

import (
	"bufio"
	"fmt"
	"strings"
)

// A scenario transcript is a text file of commands, each followed by the
// output it is expected to produce:
//
//	# a comment
//	model seed=7
//	name: pair
//	vertices:
//	  - {id: db, repair: {fixed: {duration: 10}}}
//	----
//	1 vertices; targets: db
//
//	inject db@5:20
//
//	run 30
//	----
//	t=5 db injected
//	...
//
// A command is one line; model is followed by the YAML of a model (with
// no blank lines). A line "----" separates a command from its expected
// output, which ends at a blank line; a command with no output needs no
// "----", so expectations can follow one another line by line.
// Scenario.Run replays the commands and returns what they printed;
// Format writes the transcript back with that output, which is how tests
// rewrite expected output.
type Scenario struct {
	Name  string
	items []item
}

// item is a line kept verbatim (a comment or a blank) or a command.
type item struct {
	raw string
	cmd *command
}

func (it item) blank() bool { return it.cmd == nil && it.raw == "" }

type command struct {
	line   int
	text   string
	input  []string
	output []string
}

// ParseScenario reads a transcript.
func ParseScenario(name, text string) (*Scenario, error) {
	sc := &Scenario{Name: name}
	lines := splitLines(text)
	for i := 0; i < len(lines); {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			sc.items = append(sc.items, item{raw: l})
			i++
			continue
		}
		c, next, err := parseCommand(lines, i)
		if err != nil {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		sc.items = append(sc.items, item{cmd: c})
		i = next
	}
	return sc, nil
}

func splitLines(text string) []string {
	var lines []string
	s := bufio.NewScanner(strings.NewReader(text))
	s.Buffer(make([]byte, 1<<16), 1<<24)
	for s.Scan() {
		lines = append(lines, strings.TrimRight(s.Text(), " \t"))
	}
	return lines
}

// parseCommand reads the command starting at lines[i] and returns the
// index after it.
func parseCommand(lines []string, i int) (*command, int, error) {
	c := &command{line: i + 1, text: lines[i]}
	i++
	for ; takesInput(c.text) && i < len(lines) && lines[i] != "" && lines[i] != "----"; i++ {
		c.input = append(c.input, lines[i])
	}
	if i == len(lines) || lines[i] != "----" {
		return c, i, nil
	}
	for i++; i < len(lines) && lines[i] != ""; i++ {
		if lines[i] == "----" {
			return nil, 0, fmt.Errorf("%d: a second ---- in one command", i+1)
		}
		c.output = append(c.output, lines[i])
	}
	return c, i, nil
}

// takesInput reports whether a command reads the lines after it.
func takesInput(cmd string) bool {
	return strings.HasPrefix(cmd, "model")
}

// Outcome is what replaying a scenario printed and which expectations
// failed.
type Outcome struct {
	Output   [][]string // per command, in order
	Failures []string   // "file:line: ..." for each failed expectation
}

// Run replays the scenario with steppers made by newStepper.
func (sc *Scenario) Run(newStepper NewStepperFunc) (*Outcome, error) {
	r := &replay{name: sc.Name, newStepper: newStepper}
	out := &Outcome{}
	for _, it := range sc.items {
		if it.cmd == nil {
			continue
		}
		r.out = nil
		err := r.do(it.cmd)
		var fail expectError
		switch {
		case asExpect(err, &fail):
			out.Failures = append(out.Failures,
				fmt.Sprintf("%s:%d: %s: %s", sc.Name, it.cmd.line, it.cmd.text, fail.msg))
		case err != nil:
			return nil, fmt.Errorf("%s:%d: %s: %w", sc.Name, it.cmd.line, it.cmd.text, err)
		}
		out.Output = append(out.Output, r.out)
	}
	return out, nil
}

// Diff lists the commands whose output differs from the transcript.
func (sc *Scenario) Diff(o *Outcome) []string {
	var diffs []string
	k := 0
	for _, it := range sc.items {
		if it.cmd == nil {
			continue
		}
		got, want := strings.Join(o.Output[k], "\n"), strings.Join(it.cmd.output, "\n")
		k++
		if got != want {
			diffs = append(diffs, fmt.Sprintf("%s:%d: %s\n--- want:\n%s\n--- got:\n%s",
				sc.Name, it.cmd.line, it.cmd.text, want, got))
		}
	}
	return diffs
}

// Format writes the transcript with the output of o.
func (sc *Scenario) Format(o *Outcome) string {
	var b strings.Builder
	k := 0
	for i, it := range sc.items {
		if it.cmd == nil {
			b.WriteString(it.raw + "\n")
			continue
		}
		b.WriteString(it.cmd.text + "\n")
		for _, l := range it.cmd.input {
			b.WriteString(l + "\n")
		}
		if out := o.Output[k]; len(out) > 0 {
			b.WriteString("----\n")
			for _, l := range out {
				b.WriteString(l + "\n")
			}
			if i+1 < len(sc.items) && !sc.items[i+1].blank() {
				b.WriteString("\n") // the output ends at a blank line
			}
		}
		k++
	}
	return b.String()
}
