package cluster

import (
	"context"
	"errors"
	"testing"
	"time"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// outcome is what a gateRunner's job returns when released.
type outcome struct {
	result []byte
	err    error
}

// gateRunner is the fake engine: each job reports progress, announces
// itself on started, and then waits for an outcome on release or for
// its cancel.
type gateRunner struct {
	started chan *Job
	release chan outcome
}

func newGateRunner() *gateRunner {
	return &gateRunner{started: make(chan *Job, 8), release: make(chan outcome)}
}

func (g *gateRunner) Run(
	ctx context.Context, job *Job, progress func(Progress),
) ([]byte, error) {
	progress(Progress{Tick: 5, EndTick: 10, Run: 1, Runs: 1})
	g.started <- job
	select {
	case o := <-g.release:
		return o.result, o.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func newTestJobs(t *testing.T, r JobRunner, maxQueued int) *Jobs {
	t.Helper()
	j := NewJobs(QueueConfig{Runner: r, MaxQueued: maxQueued, Keep: 4})
	t.Cleanup(func() {
		if err := j.Close(context.Background(), "test over"); err != nil {
			t.Error(err)
		}
	})
	return j
}

func tinyJob() *Job {
	return &Job{Name: "tiny.pb", Model: &pb.Model{Vertices: []*pb.Vertex{
		{Id: "db"}, {Id: "web"}}}}
}

// waitState waits until a job reaches state.
func waitState(t *testing.T, j *Jobs, id string, state JobState) JobStatus {
	t.Helper()
	var st JobStatus
	waitFor(t, 5*time.Second, string(state)+" "+id, func() bool {
		var err error
		st, err = j.Get(id)
		return err == nil && st.State == state
	})
	return st
}

func submit(t *testing.T, j *Jobs) JobStatus {
	t.Helper()
	st, err := j.Submit(tinyJob(), []string{"a warning"})
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return st
}

func TestJobLifecycle(t *testing.T) {
	g := newGateRunner()
	j := newTestJobs(t, g, 0)
	st := submit(t, j)
	if st.State != JobQueued || st.Vertices != 2 || st.ID != "job-1" {
		t.Fatalf("submitted %+v", st)
	}
	job := <-g.started
	if job.ID != st.ID || job.Name != "tiny.pb" {
		t.Errorf("runner got %+v", job)
	}
	running := waitState(t, j, st.ID, JobRunning)
	if running.Progress.Tick != 5 || running.Started == nil {
		t.Errorf("running %+v, want progress at tick 5", running)
	}
	g.release <- outcome{result: []byte("digest")}
	done := waitState(t, j, st.ID, JobDone)
	if done.ResultBytes != 6 || done.Finished == nil ||
		len(done.Warnings) != 1 {
		t.Errorf("done %+v", done)
	}
	if res, err := j.Result(st.ID); err != nil || string(res) != "digest" {
		t.Errorf("Result = %q, %v", res, err)
	}
	if c := j.Counts(); c != (JobCounts{Done: 1}) {
		t.Errorf("counts %+v", c)
	}
}

func TestJobFailures(t *testing.T) {
	tests := []struct {
		name    string
		runner  JobRunner
		wantErr string
	}{
		{"runner error", JobRunnerFunc(func(context.Context, *Job,
			func(Progress)) ([]byte, error) {
			return nil, errors.New("member m2 died at tick 7")
		}), "member m2 died at tick 7"},
		{"runner panic", JobRunnerFunc(func(context.Context, *Job,
			func(Progress)) ([]byte, error) {
			panic("broken shard")
		}), "cluster: job runner panicked: broken shard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := newTestJobs(t, tt.runner, 0)
			st := waitState(t, j, submit(t, j).ID, JobFailed)
			if st.Error != tt.wantErr {
				t.Errorf("error %q, want %q", st.Error, tt.wantErr)
			}
			if _, err := j.Result(st.ID); !errors.Is(err, ErrNoResult) {
				t.Errorf("Result of a failed job: %v, want ErrNoResult", err)
			}
			if c := j.Counts(); c.Failed != 1 {
				t.Errorf("counts %+v", c)
			}
		})
	}
}

func TestSecondSubmit(t *testing.T) {
	tests := []struct {
		name      string
		maxQueued int
		accepted  int // of three submits while the first runs
	}{
		{"refused", 0, 1},
		{"one queued", 1, 2},
		{"all queued", 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateRunner()
			j := newTestJobs(t, g, tt.maxQueued)
			first := submit(t, j)
			<-g.started
			for i := 2; i <= 3; i++ {
				st, err := j.Submit(tinyJob(), nil)
				if i <= tt.accepted {
					if err != nil || st.Position != i-1 {
						t.Fatalf("submit %d: %+v, %v", i, st, err)
					}
				} else if !errors.Is(err, ErrBusy) {
					t.Fatalf("submit %d: error %v, want ErrBusy", i, err)
				}
			}
			g.release <- outcome{}
			waitState(t, j, first.ID, JobDone)
			if tt.accepted > 1 {
				if next := <-g.started; next.ID != "job-2" {
					t.Errorf("next job %s, want job-2 (first in, first out)",
						next.ID)
				}
			}
		})
	}
}

func TestCancel(t *testing.T) {
	g := newGateRunner()
	j := newTestJobs(t, g, 1)
	running := submit(t, j)
	<-g.started
	queued := submit(t, j)

	st, err := j.Cancel(queued.ID)
	if err != nil || st.State != JobCanceled {
		t.Fatalf("cancel queued: %+v, %v", st, err)
	}
	st, err = j.Cancel(running.ID)
	if err != nil || st.State != JobCanceling {
		t.Fatalf("cancel running: %+v, %v", st, err)
	}
	st = waitState(t, j, running.ID, JobCanceled)
	if st.Error != "canceled by request" {
		t.Errorf("canceled job error %q", st.Error)
	}
	if _, err := j.Cancel(running.ID); !errors.Is(err, ErrJobFinished) {
		t.Errorf("second cancel: %v, want ErrJobFinished", err)
	}
	if _, err := j.Cancel("job-99"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("cancel unknown: %v, want ErrUnknownJob", err)
	}
	if c := j.Counts(); c != (JobCounts{Canceled: 2}) {
		t.Errorf("counts %+v", c)
	}
}

func TestCloseCancelsEverything(t *testing.T) {
	g := newGateRunner()
	j := NewJobs(QueueConfig{Runner: g, MaxQueued: 1})
	running := submit(t, j)
	<-g.started
	queued := submit(t, j)
	if err := j.Close(context.Background(), "node shutting down"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{running.ID, queued.ID} {
		st, _ := j.Get(id)
		if st.State != JobCanceled || st.Error != "node shutting down" {
			t.Errorf("%s after Close: %+v", id, st)
		}
	}
	if _, err := j.Submit(tinyJob(), nil); !errors.Is(err, ErrClosed) {
		t.Errorf("submit after Close: %v, want ErrClosed", err)
	}
}

func TestEndedJobsAreForgotten(t *testing.T) {
	j := newTestJobs(t, refuse, 0)
	var ids []string
	for range 6 {
		st := submit(t, j)
		waitState(t, j, st.ID, JobFailed)
		ids = append(ids, st.ID)
	}
	for i, id := range ids {
		_, err := j.Get(id)
		if forgotten := i < 2; forgotten != errors.Is(err, ErrUnknownJob) {
			t.Errorf("job %s: Get error %v, forgotten %v", id, err, forgotten)
		}
	}
	list := j.List()
	if len(list) != 4 || list[0].ID != "job-6" {
		t.Errorf("List = %d jobs starting %s, want 4 newest first",
			len(list), list[0].ID)
	}
}

// refuse is a runner that fails every job at once.
var refuse = JobRunnerFunc(func(context.Context, *Job, func(Progress)) ([]byte, error) {
	return nil, errors.New("refused")
})
