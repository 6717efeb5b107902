package cluster

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// fixedMembers is a MemberSource that lists the same members always.
type fixedMembers []Member

func (f fixedMembers) Members() []Member { return slices.Clone(f) }

var threeMembers = fixedMembers{
	{Name: "a", Gossip: "127.0.0.1:7946", API: "127.0.0.1:7947", Protocol: 1},
	{Name: "b", Gossip: "127.0.0.1:7956", API: "127.0.0.1:7957", Protocol: 1},
	{Name: "c", Gossip: "127.0.0.1:7966", API: "127.0.0.1:7967", Protocol: 1},
}

// fixedStats is a StatsSource with constant counters.
type fixedStats SimStats

func (f fixedStats) SimStats() SimStats { return SimStats(f) }

// apiFixture is a running API over a fake runner.
type apiFixture struct {
	srv    *httptest.Server
	jobs   *Jobs
	runner *gateRunner
	client *Client
}

func newAPIFixture(t *testing.T, change func(c *APIConfig)) *apiFixture {
	t.Helper()
	g := newGateRunner()
	j := newTestJobs(t, g, 0)
	cfg := APIConfig{Node: "a", Members: threeMembers, Jobs: j,
		MaxModelBytes: 4096}
	if change != nil {
		change(&cfg)
	}
	srv := httptest.NewServer(NewAPI(cfg))
	t.Cleanup(srv.Close)
	return &apiFixture{srv: srv, jobs: j, runner: g,
		client: NewClient(srv.URL, cfg.Token)}
}

// modelPB is a small valid model in binary form.
func modelPB(t *testing.T) []byte {
	t.Helper()
	b, err := proto.Marshal(&pb.Model{Name: "tiny", Vertices: []*pb.Vertex{
		{Id: "db"}, {Id: "web", DependsOn: []*pb.Dependency{{Id: "db"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAPIMembersAndStatus(t *testing.T) {
	f := newAPIFixture(t, nil)
	ctx := context.Background()
	mr, err := f.client.Members(ctx)
	if err != nil || mr.Node != "a" || !slices.Equal(mr.Members, threeMembers) {
		t.Fatalf("Members = %+v, %v", mr, err)
	}
	st, err := f.client.Status(ctx)
	if err != nil || st.Node != "a" || st.Members != 3 || !st.Ready ||
		st.Protocol != ProtocolVersion {
		t.Fatalf("Status = %+v, %v", st, err)
	}
}

func TestAPISubmitRunsJob(t *testing.T) {
	f := newAPIFixture(t, nil)
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+
		"/v1/jobs?name=tiny.pb&seed=9&inject=db@1h:30m",
		bytes.NewReader(modelPB(t)))
	req.Header.Set(OptionsHeader, `{"seed": 3, "runs": 4, "duration": "2d"}`)
	resp := do(t, req, http.StatusAccepted)
	if loc := resp.Header.Get("Location"); loc != "/v1/jobs/job-1" {
		t.Errorf("Location %q", loc)
	}

	job := <-f.runner.started
	want := RunOptions{Seed: 9, Runs: 4, Duration: "2d",
		Inject: []string{"db@1h:30m"}}
	if job.Name != "tiny.pb" || len(job.Model.GetVertices()) != 2 ||
		!optionsEqual(job.Options, want) {
		t.Fatalf("runner got %s %+v, want options %+v", job.Name, job.Options,
			want)
	}
	ctx := context.Background()
	st, err := f.client.Job(ctx, "job-1")
	if err != nil || st.State != JobRunning || st.Progress.EndTick != 10 {
		t.Fatalf("Job = %+v, %v", st, err)
	}
	f.runner.release <- outcome{result: []byte("the result")}
	waitState(t, f.jobs, "job-1", JobDone)
	if res, err := f.client.Result(ctx, "job-1"); string(res) != "the result" {
		t.Errorf("Result = %q, %v", res, err)
	}
}

func optionsEqual(a, b RunOptions) bool {
	return a.Seed == b.Seed && a.Runs == b.Runs && a.Duration == b.Duration &&
		slices.Equal(a.Inject, b.Inject)
}

// do sends req and checks the status code.
func do(t *testing.T, req *http.Request, want int) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", req.Method, req.URL,
			resp.StatusCode, body, want)
	}
	return resp
}

func TestAPISubmitRefusals(t *testing.T) {
	valid := modelPB(t)
	bad, _ := proto.Marshal(&pb.Model{Vertices: []*pb.Vertex{
		{Id: "web", DependsOn: []*pb.Dependency{{Id: "nowhere"}}}}})
	tests := []struct {
		name     string
		query    string
		header   string
		body     io.Reader
		wantCode int
		wantMsg  string
	}{
		{"empty body", "", "", bytes.NewReader(nil), 400, "empty body"},
		{"not protobuf", "", "", strings.NewReader("\xff\xff\xff"), 400,
			"invalid model"},
		{"invalid model", "", "", bytes.NewReader(bad), 400, "unknown vertex"},
		{"oversized", "", "", bytes.NewReader(make([]byte, 5000)), 413,
			"over the limit of 4096"},
		{"oversized without length", "", "",
			io.MultiReader(strings.NewReader(strings.Repeat("x", 5000))),
			413, "larger than the limit"},
		{"unknown option", "?sede=1", "", bytes.NewReader(valid), 400,
			`unknown run option "sede"`},
		{"bad seed", "?seed=-1", "", bytes.NewReader(valid), 400, "not a number"},
		{"bad header", "", `{"seed": "x"}`, bytes.NewReader(valid), 400,
			OptionsHeader},
		{"unknown header field", "", `{"sead": 1}`, bytes.NewReader(valid),
			400, "unknown field"},
		{"negative runs", "?runs=-2", "", bytes.NewReader(valid), 400,
			"must not be negative"},
		{"bad duration", "?duration=soon", "", bytes.NewReader(valid), 400,
			"duration"},
		{"inject unknown vertex", "?inject=cache@1h", "",
			bytes.NewReader(valid), 400, `no vertex "cache"`},
		{"inject without time", "?inject=db", "", bytes.NewReader(valid), 400,
			"ID@TIME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newAPIFixture(t, nil)
			req, _ := http.NewRequest(http.MethodPost,
				f.srv.URL+"/v1/jobs"+tt.query, tt.body)
			if tt.header != "" {
				req.Header.Set(OptionsHeader, tt.header)
			}
			err := apiErrorOf(t, req)
			if err.Code != tt.wantCode || !strings.Contains(err.Error(),
				tt.wantMsg) {
				t.Errorf("got %v, want %d mentioning %q", err, tt.wantCode,
					tt.wantMsg)
			}
			if c := f.jobs.Counts(); c != (JobCounts{}) {
				t.Errorf("a refused submit reached the queue: %+v", c)
			}
		})
	}
}

// apiErrorOf sends req, expecting an error answer in the API's form.
func apiErrorOf(t *testing.T, req *http.Request) *APIError {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 300 {
		t.Fatalf("%s %s succeeded with %d", req.Method, req.URL, resp.StatusCode)
	}
	var ae *APIError
	if !errors.As(readAPIError(resp), &ae) {
		t.Fatal("not an APIError")
	}
	return ae
}

func TestAPISecondSubmitIsRefused(t *testing.T) {
	f := newAPIFixture(t, nil)
	ctx := context.Background()
	first, err := f.client.Submit(ctx, "tiny.pb", modelPB(t), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	<-f.runner.started
	_, err = f.client.Submit(ctx, "tiny.pb", modelPB(t), RunOptions{})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != http.StatusConflict ||
		!strings.Contains(ae.Message, first.ID+" is running") {
		t.Fatalf("second submit: %v, want 409 naming %s", err, first.ID)
	}
}

func TestAPICancel(t *testing.T) {
	f := newAPIFixture(t, nil)
	ctx := context.Background()
	st, err := f.client.Submit(ctx, "tiny.pb", modelPB(t), RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	<-f.runner.started
	req, _ := http.NewRequest(http.MethodDelete, f.srv.URL+"/v1/jobs/"+st.ID,
		nil)
	do(t, req, http.StatusAccepted)
	waitState(t, f.jobs, st.ID, JobCanceled)

	tests := []struct {
		id   string
		want int
	}{
		{st.ID, http.StatusConflict},
		{"job-404", http.StatusNotFound},
	}
	for _, tt := range tests {
		_, err := f.client.Cancel(ctx, tt.id)
		var ae *APIError
		if !errors.As(err, &ae) || ae.Code != tt.want {
			t.Errorf("cancel %s: %v, want %d", tt.id, err, tt.want)
		}
	}
}

func TestAPIToken(t *testing.T) {
	const token = "0123abcd"
	f := newAPIFixture(t, func(c *APIConfig) { c.Token = token })
	tests := []struct {
		path, auth string
		want       int
	}{
		{"/v1/members", "", 401},
		{"/v1/members", "Bearer wrong", 401},
		{"/v1/members", "Bearer " + token, 200},
		{"/v1/status", "", 401},
		{"/v1/status", "Bearer " + token, 200},
		{"/v1/jobs/job-1", token, 401}, // the scheme is required
		{"/v1/jobs/job-1", "Bearer " + token, 404},
		{"/healthz", "", 200},
		{"/readyz", "", 200},
		{"/metrics", "", 200},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+tt.path, nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		do(t, req, tt.want)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/jobs",
		bytes.NewReader(modelPB(t)))
	do(t, req, 401)
	if c := f.jobs.Counts(); c != (JobCounts{}) {
		t.Errorf("an unauthorised submit reached the queue: %+v", c)
	}
}

func TestAPIReadyz(t *testing.T) {
	var ready atomic.Bool
	f := newAPIFixture(t, func(c *APIConfig) { c.Ready = ready.Load })
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/readyz", nil)
	do(t, req, http.StatusServiceUnavailable)
	ready.Store(true)
	do(t, req, http.StatusOK)
}

// Sample lines of the text exposition format, label values escaped.
var (
	helpLine   = regexp.MustCompile(`^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$`)
	typeLine   = regexp.MustCompile(`^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$`)
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)` +
		`(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"` +
		`(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? ` +
		`(-?[0-9.e+]+|NaN|[+-]Inf)$`)
)

func TestAPIMetricsExposition(t *testing.T) {
	f := newAPIFixture(t, func(c *APIConfig) {
		c.Stats = fixedStats{Ticks: 120, TicksPerSecond: 2.5, MessagesIn: 7,
			Queues: []QueueDepth{{Name: `shard "1"`, Depth: 3}}}
	})
	st, err := f.client.Submit(context.Background(), "t.pb", modelPB(t),
		RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	<-f.runner.started
	waitState(t, f.jobs, st.ID, JobRunning)

	resp, err := http.Get(f.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	samples := checkExposition(t, string(body))
	want := map[string]string{
		`homeostat_members`:                              "3",
		`homeostat_jobs{state="running"}`:                "1",
		`homeostat_jobs_ended_total{result="done"}`:      "0",
		`homeostat_sim_ticks_total`:                      "120",
		`homeostat_sim_ticks_per_second`:                 "2.5",
		`homeostat_sim_messages_total{direction="in"}`:   "7",
		`homeostat_sim_queue_depth{queue="shard \"1\""}`: "3",
		`homeostat_node_info{node="a",protocol="1"}`:     "1",
		`homeostat_jobs_ended_total{result="canceled"}`:  "0",
		`homeostat_sim_messages_total{direction="out"}`:  "0",
		`homeostat_jobs{state="queued"}`:                 "0",
		`homeostat_jobs_ended_total{result="failed"}`:    "0",
		`homeostat_sim_events_total`:                     "0",
	}
	for series, v := range want {
		if samples[series] != v {
			t.Errorf("%s = %q, want %s", series, samples[series], v)
		}
	}
}

// checkExposition checks every line of a text exposition and returns
// the samples by series.
func checkExposition(t *testing.T, text string) map[string]string {
	t.Helper()
	typed := map[string]bool{}
	samples := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		switch {
		case helpLine.MatchString(line):
		case typeLine.MatchString(line):
			typed[typeLine.FindStringSubmatch(line)[1]] = true
		case sampleLine.MatchString(line):
			m := sampleLine.FindStringSubmatch(line)
			if !typed[m[1]] {
				t.Errorf("sample before its TYPE: %q", line)
			}
			samples[m[1]+m[2]] = m[3]
		default:
			t.Errorf("malformed exposition line %q", line)
		}
	}
	return samples
}
