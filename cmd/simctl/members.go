package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/homeostat/homeostat/cluster"
)

// clusterFlags are the flags of every command that talks to a simnode.
type clusterFlags struct {
	addr       string
	tokenFile  string
	secretFile string
	timeout    time.Duration
	asJSON     bool
}

// defaultClusterAddr is where simctl looks for a simnode's API without
// --cluster: $HOMEOSTAT_CLUSTER, else simnode's default API port on this
// machine.
func defaultClusterAddr() string {
	if a := os.Getenv("HOMEOSTAT_CLUSTER"); a != "" {
		return a
	}
	return "127.0.0.1:" + strconv.Itoa(cluster.DefaultAPIPort)
}

// bind declares the flags on fs.
func (f *clusterFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "cluster", defaultClusterAddr(),
		"`HOST:PORT` of any simnode's API ($HOMEOSTAT_CLUSTER)")
	fs.StringVar(&f.tokenFile, "token-file", os.Getenv("HOMEOSTAT_TOKEN_FILE"),
		"`FILE` holding the API token, for clusters started with "+
			"--secret-file ($HOMEOSTAT_TOKEN_FILE)")
	fs.StringVar(&f.secretFile, "secret-file", "",
		"`FILE` holding the cluster's gossip key, to derive the token from")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second,
		"give up on the cluster after this long")
	fs.BoolVar(&f.asJSON, "json", false, "print the API's JSON answer")
}

// client connects to the cluster with the token the flags point at.
func (f *clusterFlags) client() (*cluster.Client, error) {
	token, err := f.token()
	if err != nil {
		return nil, err
	}
	return cluster.NewClient(f.addr, token), nil
}

func (f *clusterFlags) token() (string, error) {
	switch {
	case f.tokenFile != "" && f.secretFile != "":
		return "", fmt.Errorf("%w: --token-file and --secret-file together",
			errUsage)
	case f.tokenFile != "":
		b, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return "", fmt.Errorf("read token: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	case f.secretFile != "":
		key, err := cluster.LoadSecret(f.secretFile)
		if err != nil {
			return "", err
		}
		return cluster.Token(key), nil
	}
	return "", nil
}

// context bounds one exchange with the cluster by --timeout.
func (f *clusterFlags) context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), f.timeout)
}

// printAPIJSON writes v as the API's indented JSON.
func printAPIJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func init() {
	f := &clusterFlags{}
	register(&command{
		name:    "members",
		usage:   "[--cluster HOST:PORT]",
		summary: "list the live members of a simnode cluster",
		help: `
Members asks one simnode (--cluster) which members of its cluster are
alive, as gossip tells it, and lists them by name with their gossip, API
and protoactor remote addresses and the member protocol they speak. A
member marked incompatible speaks another protocol version or publishes
unreadable metadata; it never takes part in a job.

Without --cluster, simctl asks $HOMEOSTAT_CLUSTER or 127.0.0.1:7947.

Examples:
  simctl members
  simctl members --cluster 10.0.0.5:7947 --token-file ~/.homeostat/token
  simctl members --json`,
		flags: f.bind,
		run: func(fs *flag.FlagSet, stdout, _ io.Writer) error {
			if fs.NArg() > 0 {
				return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
			}
			return runMembers(f, stdout)
		},
	})
}

func runMembers(f *clusterFlags, stdout io.Writer) error {
	c, err := f.client()
	if err != nil {
		return err
	}
	ctx, cancel := f.context()
	defer cancel()
	mr, err := c.Members(ctx)
	if err != nil {
		return err
	}
	if f.asJSON {
		return printAPIJSON(stdout, mr)
	}
	return printMembers(stdout, mr)
}

// printMembers writes the members as a table, marking the one that
// answered with "*".
func printMembers(w io.Writer, mr cluster.MembersReply) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tGOSSIP\tAPI\tREMOTE\tPROTOCOL")
	for _, m := range mr.Members {
		name := m.Name
		if name == mr.Node {
			name += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", name, m.Gossip,
			dashIfEmpty(m.API), dashIfEmpty(m.Remote), protocolOf(m))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d live member%s, as %s sees them (*)\n",
		len(mr.Members), sIfMany(len(mr.Members)), mr.Node)
	return err
}

func protocolOf(m cluster.Member) string {
	switch {
	case m.MetaError != "":
		return "incompatible: " + m.MetaError
	case !m.Compatible():
		return strconv.Itoa(int(m.Protocol)) + " (incompatible)"
	}
	return strconv.Itoa(int(m.Protocol))
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func sIfMany(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
