package cluster

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// OptionsHeader carries a job's RunOptions as JSON on a submit; query
// parameters override it field by field.
const OptionsHeader = "Homeostat-Run-Options"

// DefaultMaxModelBytes is the default limit on a submitted model.
const DefaultMaxModelBytes = 256 << 20

// MemberSource lists the live members; [Membership] is one.
type MemberSource interface {
	Members() []Member
}

// ModelChecker decodes and validates a submitted model, returning it
// with its warnings; an error means the model must not run. name picks
// the format by extension, as model.Decode does.
type ModelChecker func(name string, data []byte) (*pb.Model, []string, error)

// APIConfig wires the HTTP API to the daemon's parts.
type APIConfig struct {
	// Node is this member's name.
	Node string
	// Version is the build's version, shown in the status.
	Version string
	// Started is when the daemon started, shown in the status.
	Started time.Time

	// Members lists the live members; required.
	Members MemberSource
	// Jobs is the member's job queue; required.
	Jobs *Jobs
	// Check decodes and validates submitted models; nil means
	// [CheckModel].
	Check ModelChecker
	// Stats reads the engine's counters for /metrics; nil shows zeros.
	Stats StatsSource
	// Ready reports readiness for /readyz; nil means always ready.
	Ready func() bool

	// Token, when set, must come as "Authorization: Bearer TOKEN" on
	// every /v1/ request. /healthz, /readyz and /metrics stay open for
	// probes and scrapers.
	Token string
	// MaxModelBytes refuses larger submissions with 413; 0 means
	// DefaultMaxModelBytes.
	MaxModelBytes int64
}

// MembersReply is the body of GET /v1/members.
type MembersReply struct {
	// Node is the member that answered.
	Node    string   `json:"node"`
	Members []Member `json:"members"`
}

// Status is the body of GET /v1/status.
type Status struct {
	Node     string    `json:"node"`
	Version  string    `json:"version,omitempty"`
	Protocol uint32    `json:"protocol"`
	Ready    bool      `json:"ready"`
	Started  time.Time `json:"started"`
	Members  int       `json:"members"`
	Jobs     JobCounts `json:"jobs"`
	// Recent lists the running job, the queued ones, then the ended
	// ones the member remembers, newest first.
	Recent []JobStatus `json:"recent,omitempty"`
}

// errorReply is the body of every error answer.
type errorReply struct {
	Error   string   `json:"error"`
	Details []string `json:"details,omitempty"`
}

type api struct{ cfg APIConfig }

// NewAPI returns the HTTP API of a simnode: the JSON endpoints under
// /v1/ that simctl uses, /metrics, and the /healthz and /readyz probes.
func NewAPI(cfg APIConfig) http.Handler {
	if cfg.Check == nil {
		cfg.Check = CheckModel
	}
	if cfg.MaxModelBytes <= 0 {
		cfg.MaxModelBytes = DefaultMaxModelBytes
	}
	a := &api{cfg: cfg}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.HandleFunc("GET /metrics", a.metrics)
	mux.Handle("GET /v1/members", a.auth(a.members))
	mux.Handle("GET /v1/status", a.auth(a.status))
	mux.Handle("GET /v1/jobs", a.auth(a.jobs))
	mux.Handle("POST /v1/jobs", a.auth(a.submit))
	mux.Handle("GET /v1/jobs/{id}", a.auth(a.job))
	mux.Handle("DELETE /v1/jobs/{id}", a.auth(a.cancel))
	mux.Handle("GET /v1/jobs/{id}/result", a.auth(a.result))
	return mux
}

// auth lets a request through when it carries the token.
func (a *api) auth(h http.HandlerFunc) http.Handler {
	if a.cfg.Token == "" {
		return h
	}
	want := []byte("Bearer " + a.cfg.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="homeostat"`)
			writeError(w, http.StatusUnauthorized,
				"missing or wrong API token (see --token-file)")
			return
		}
		h(w, r)
	})
}

func (a *api) healthz(w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusOK, "ok\n")
}

func (a *api) readyz(w http.ResponseWriter, _ *http.Request) {
	if !a.ready() {
		writeText(w, http.StatusServiceUnavailable, "not ready\n")
		return
	}
	writeText(w, http.StatusOK, "ready\n")
}

func (a *api) ready() bool { return a.cfg.Ready == nil || a.cfg.Ready() }

func (a *api) metrics(w http.ResponseWriter, _ *http.Request) {
	v := metricsView{
		node:    a.cfg.Node,
		members: len(a.cfg.Members.Members()),
		jobs:    a.cfg.Jobs.Counts(),
	}
	if a.cfg.Stats != nil {
		v.sim = a.cfg.Stats.SimStats()
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_ = writeMetrics(w, v) // a failed write means the scraper went away
}

func (a *api) members(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, MembersReply{
		Node:    a.cfg.Node,
		Members: a.cfg.Members.Members(),
	})
}

func (a *api) status(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Status{
		Node:     a.cfg.Node,
		Version:  a.cfg.Version,
		Protocol: ProtocolVersion,
		Ready:    a.ready(),
		Started:  a.cfg.Started,
		Members:  len(a.cfg.Members.Members()),
		Jobs:     a.cfg.Jobs.Counts(),
		Recent:   a.cfg.Jobs.List(),
	})
}

func (a *api) jobs(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, a.cfg.Jobs.List())
}

func (a *api) job(w http.ResponseWriter, r *http.Request) {
	st, err := a.cfg.Jobs.Get(r.PathValue("id"))
	if err != nil {
		writeJobError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (a *api) cancel(w http.ResponseWriter, r *http.Request) {
	st, err := a.cfg.Jobs.Cancel(r.PathValue("id"))
	if err != nil {
		writeJobError(w, err)
		return
	}
	code := http.StatusOK
	if st.State == JobCanceling {
		code = http.StatusAccepted
	}
	writeJSON(w, code, st)
}

func (a *api) result(w http.ResponseWriter, r *http.Request) {
	b, err := a.cfg.Jobs.Result(r.PathValue("id"))
	if err != nil {
		writeJobError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// writeJobError answers with the status code that matches err.
func writeJobError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrUnknownJob):
		code = http.StatusNotFound
	case errors.Is(err, ErrBusy), errors.Is(err, ErrJobFinished),
		errors.Is(err, ErrNoResult):
		code = http.StatusConflict
	case errors.Is(err, ErrClosed):
		code = http.StatusServiceUnavailable
	}
	writeError(w, code, err.Error())
}

func writeError(w http.ResponseWriter, code int, msg string, details ...string) {
	writeJSON(w, code, errorReply{Error: msg, Details: details})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // a failed write means the client went away
}

func writeText(w http.ResponseWriter, code int, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(s))
}

// splitLines turns a multi-line error into details, one per line.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
