package cluster

import (
	"context"
	"time"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Job is a checked model with its run options, ready for a runner.
type Job struct {
	// ID names the job in the API and in logs.
	ID string
	// Name is the file name the model was submitted under.
	Name string
	// Model is the decoded and validated model.
	Model *pb.Model
	// Data holds the bytes as submitted, to hand on to other members.
	Data []byte
	// Options are the run's settings.
	Options RunOptions
}

// Progress is how far a running job has got, as its runner reports it.
type Progress struct {
	// Tick is the last simulated tick completed, EndTick the one the run
	// stops at (0 while unknown).
	Tick    int64 `json:"tick"`
	EndTick int64 `json:"end_tick,omitempty"`
	// Run is the replication under way, from 1, of Runs.
	Run  int `json:"run,omitempty"`
	Runs int `json:"runs,omitempty"`
	// Events counts the events simulated so far.
	Events uint64 `json:"events,omitempty"`
}

// JobRunner executes jobs: the seam where the simulation engine, in one
// process or across the cluster, plugs into simnode. Run returns the
// encoded result; it must return soon after ctx is canceled, and may
// call progress as often as it likes from any goroutine.
type JobRunner interface {
	Run(ctx context.Context, job *Job, progress func(Progress)) ([]byte, error)
}

// JobRunnerFunc lets a function serve as a JobRunner.
type JobRunnerFunc func(context.Context, *Job, func(Progress)) ([]byte, error)

// Run calls f.
func (f JobRunnerFunc) Run(
	ctx context.Context, job *Job, progress func(Progress),
) ([]byte, error) {
	return f(ctx, job, progress)
}

// JobState is where a job is in its life.
type JobState string

// The states of a job. Queued, running and canceling jobs are live; the
// other three are final.
const (
	JobQueued    JobState = "queued"
	JobRunning   JobState = "running"
	JobCanceling JobState = "canceling" // cancel asked, runner not yet back
	JobDone      JobState = "done"
	JobFailed    JobState = "failed"
	JobCanceled  JobState = "canceled"
)

// Final reports whether the job has ended.
func (s JobState) Final() bool {
	return s == JobDone || s == JobFailed || s == JobCanceled
}

// JobStatus is what the API tells about a job.
type JobStatus struct {
	ID    string   `json:"id"`
	State JobState `json:"state"`
	// Model is the name the model was submitted under; Vertices its size.
	Model    string     `json:"model"`
	Vertices int        `json:"vertices"`
	Options  RunOptions `json:"options"`
	// Position is the job's place in the queue, from 1, while queued.
	Position int      `json:"position,omitempty"`
	Progress Progress `json:"progress"`
	// Error says why a job failed or was canceled.
	Error string `json:"error,omitempty"`
	// Warnings are the model's validation warnings.
	Warnings    []string   `json:"warnings,omitempty"`
	Submitted   time.Time  `json:"submitted"`
	Started     *time.Time `json:"started,omitempty"`
	Finished    *time.Time `json:"finished,omitempty"`
	ResultBytes int        `json:"result_bytes,omitempty"`
}

// JobCounts sums up a queue: jobs waiting and running now, and jobs
// ended since the daemon started.
type JobCounts struct {
	Queued   int    `json:"queued"`
	Running  int    `json:"running"`
	Done     uint64 `json:"done"`
	Failed   uint64 `json:"failed"`
	Canceled uint64 `json:"canceled"`
}
