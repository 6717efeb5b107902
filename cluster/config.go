package cluster

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/hashicorp/memberlist"
)

// ProtocolVersion is the version of the member protocol this build
// speaks: the metadata it publishes and the messages of job coordination
// (proto/homeostat/v1/job.proto). Members that publish another version
// are listed but never take part in a job with this one.
const ProtocolVersion = 1

// DefaultLabel keeps a Homeostat cluster from mixing with other
// memberlist users (Consul, Serf) that share the network and port 7946.
const DefaultLabel = "homeostat"

// Default ports of a simnode: gossip on memberlist's customary port, the
// HTTP API (simctl, metrics, probes) and protoactor remote beside it.
const (
	DefaultGossipPort = 7946
	DefaultAPIPort    = 7947
	DefaultRemotePort = 7948
)

// Config says how a member takes part in the gossip and what it tells
// the others. Start from [LANConfig] or [LocalConfig] and set Name and
// the addresses; [Config.Validate] checks the rest.
type Config struct {
	// Name identifies the member in the cluster. It must be unique, and
	// stable across restarts of the same daemon, since jobs and logs name
	// members by it.
	Name string

	// BindAddr and BindPort are where gossip listens, on UDP and TCP
	// alike. Port 0 picks a free port; [Membership.Local] then reports it.
	BindAddr string
	BindPort int

	// AdvertiseAddr is the IP the others use to reach this member, when it
	// differs from BindAddr (a 0.0.0.0 bind, NAT, containers). Empty lets
	// memberlist pick an address of the machine. AdvertisePort 0 means the
	// bound port.
	AdvertiseAddr string
	AdvertisePort int

	// API and Remote are published to the other members: HOST:PORT of
	// this member's HTTP API and of its protoactor remote endpoint.
	API    string
	Remote string

	// SecretKey, when set, encrypts and authenticates all gossip with
	// AES-GCM. It must be 16, 24 or 32 bytes (see [LoadSecret]). A member
	// with another key, or none, cannot join.
	SecretKey []byte

	// Label is sent in front of every gossip packet and stream; members
	// with another label ignore them. Empty sends none.
	Label string

	// ProbeInterval is how often a member probes a random other member;
	// ProbeTimeout how long it waits for the answer before asking others
	// to probe indirectly. Smaller finds failures sooner and costs more
	// traffic.
	ProbeInterval time.Duration
	ProbeTimeout  time.Duration

	// SuspicionMult scales how long a suspected member has to refute the
	// suspicion before it is declared dead: SuspicionMult x log(N+1) x
	// ProbeInterval.
	SuspicionMult int

	// GossipInterval is how often queued state changes are sent to a few
	// random members. GossipToTheDeadTime is how long a dead or departed
	// member keeps receiving gossip, so it can learn it was declared dead.
	GossipInterval      time.Duration
	GossipToTheDeadTime time.Duration

	// PushPullInterval is how often a member exchanges its full state
	// with a random other one over a stream. It bounds how long a missed
	// gossip message can leave two members disagreeing.
	PushPullInterval time.Duration

	// TCPTimeout bounds stream connections: joins, push-pull, and the
	// fallback probe.
	TCPTimeout time.Duration

	// Transport carries the gossip instead of the machine's sockets when
	// set: a [MemNetwork] transport in tests, or a [FaultTransport]. With
	// a transport, BindAddr and BindPort are ignored.
	Transport memberlist.Transport

	// Logger receives memberlist's log lines at their levels; nil
	// discards them.
	Logger *slog.Logger
}

// LANConfig returns memberlist's settings for a data-centre network: a
// failed member is noticed within a few seconds, and full state is
// exchanged every 30 seconds.
func LANConfig(name string) Config {
	return Config{
		Name:                name,
		BindAddr:            "0.0.0.0",
		BindPort:            DefaultGossipPort,
		Label:               DefaultLabel,
		ProbeInterval:       time.Second,
		ProbeTimeout:        500 * time.Millisecond,
		SuspicionMult:       4,
		GossipInterval:      200 * time.Millisecond,
		GossipToTheDeadTime: 30 * time.Second,
		PushPullInterval:    30 * time.Second,
		TCPTimeout:          10 * time.Second,
	}
}

// LocalConfig returns settings for members on one machine (tests, `make
// cluster`): port 0 on loopback, short probes, and a push-pull every
// second, which keeps convergence near a second where memberlist's own
// local preset sometimes takes twenty.
func LocalConfig(name string) Config {
	return Config{
		Name:                name,
		BindAddr:            "127.0.0.1",
		Label:               DefaultLabel,
		ProbeInterval:       200 * time.Millisecond,
		ProbeTimeout:        100 * time.Millisecond,
		SuspicionMult:       2,
		GossipInterval:      50 * time.Millisecond,
		GossipToTheDeadTime: 2 * time.Second,
		PushPullInterval:    time.Second,
		TCPTimeout:          time.Second,
	}
}

// Validate reports the first setting that memberlist would refuse or
// that would make the member misbehave.
func (c Config) Validate() error {
	if c.Name == "" {
		return fmt.Errorf("%w: empty member name", ErrConfig)
	}
	if err := checkKey(c.SecretKey); err != nil {
		return err
	}
	if len(c.Label) > memberlist.LabelMaxSize {
		return fmt.Errorf("%w: label longer than %d bytes",
			ErrConfig, memberlist.LabelMaxSize)
	}
	if err := c.validateTimings(); err != nil {
		return err
	}
	if _, err := c.meta().Encode(); err != nil {
		return err
	}
	return nil
}

func (c Config) validateTimings() error {
	timings := []struct {
		name string
		d    time.Duration
	}{
		{"probe interval", c.ProbeInterval},
		{"probe timeout", c.ProbeTimeout},
		{"gossip interval", c.GossipInterval},
		{"push-pull interval", c.PushPullInterval},
		{"TCP timeout", c.TCPTimeout},
	}
	for _, t := range timings {
		if t.d <= 0 {
			return fmt.Errorf("%w: %s must be positive", ErrConfig, t.name)
		}
	}
	if c.ProbeTimeout >= c.ProbeInterval {
		return fmt.Errorf("%w: probe timeout %v not below probe interval %v",
			ErrConfig, c.ProbeTimeout, c.ProbeInterval)
	}
	if c.SuspicionMult < 1 {
		return fmt.Errorf("%w: suspicion multiplier below 1", ErrConfig)
	}
	return nil
}

func (c Config) meta() Meta {
	return Meta{Protocol: ProtocolVersion, API: c.API, Remote: c.Remote}
}

// memberlistConfig translates c for memberlist, wiring in the delegates.
func (c Config) memberlistConfig(d *delegate) *memberlist.Config {
	mc := memberlist.DefaultLANConfig()
	mc.Name = c.Name
	mc.BindAddr, mc.BindPort = c.BindAddr, c.BindPort
	mc.AdvertiseAddr, mc.AdvertisePort = c.AdvertiseAddr, c.AdvertisePort
	if mc.AdvertisePort == 0 {
		mc.AdvertisePort = c.BindPort
	}
	mc.SecretKey = c.SecretKey
	mc.Label = c.Label
	mc.ProbeInterval, mc.ProbeTimeout = c.ProbeInterval, c.ProbeTimeout
	mc.SuspicionMult = c.SuspicionMult
	mc.GossipInterval = c.GossipInterval
	mc.GossipToTheDeadTime = c.GossipToTheDeadTime
	mc.PushPullInterval = c.PushPullInterval
	mc.TCPTimeout = c.TCPTimeout
	mc.Transport = c.Transport
	mc.Logger = newStdLogger(c.Logger)
	mc.Delegate, mc.Events = d, d
	return mc
}
