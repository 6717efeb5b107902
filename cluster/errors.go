package cluster

import "errors"

// Sentinel errors of the package; check them with [errors.Is].
var (
	// ErrConfig reports a Config that memberlist would refuse.
	ErrConfig = errors.New("cluster: bad config")

	// ErrMeta reports member metadata that cannot be published or read.
	ErrMeta = errors.New("cluster: bad member metadata")

	// ErrSecret reports a gossip key of the wrong size or encoding.
	ErrSecret = errors.New("cluster: bad secret key")

	// ErrUnknownJob reports a job id this member never took or has
	// forgotten.
	ErrUnknownJob = errors.New("cluster: unknown job")

	// ErrBusy reports a job refused because the queue is full.
	ErrBusy = errors.New("cluster: busy")

	// ErrJobFinished reports a cancel of a job that already ended.
	ErrJobFinished = errors.New("cluster: job already finished")

	// ErrNoResult reports a result asked for before the job is done.
	ErrNoResult = errors.New("cluster: job has no result")

	// ErrClosed reports use of a queue or transport after shutdown.
	ErrClosed = errors.New("cluster: closed")

	// ErrJob reports a job that could not run across the cluster: a
	// member refused its share, broke the tick protocol or failed.
	ErrJob = errors.New("cluster: job failed")

	// ErrMemberLost reports a member that died, left or was partitioned
	// away while it took part in a job, or whose remote endpoint was
	// lost, or that did not finish a tick in time.
	ErrMemberLost = errors.New("cluster: member lost")

	// ErrInjected reports a stream dial refused by a FaultTransport.
	ErrInjected = errors.New("cluster: injected network fault")
)
