package cluster

import (
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/memberlist"
)

// Member is one live member of the cluster as gossip describes it.
type Member struct {
	// Name is the member's unique name.
	Name string `json:"name"`
	// Gossip is HOST:PORT where the member gossips.
	Gossip string `json:"gossip"`
	// API and Remote are the addresses from its metadata.
	API    string `json:"api,omitempty"`
	Remote string `json:"remote,omitempty"`
	// Protocol is the member protocol version it speaks.
	Protocol uint32 `json:"protocol"`
	// MetaError says why the metadata could not be read; the member is
	// then listed but never given work.
	MetaError string `json:"meta_error,omitempty"`
}

// Compatible reports whether m can take part in a job run by this build:
// its metadata is readable and it speaks the same member protocol.
func (m Member) Compatible() bool {
	return m.MetaError == "" && m.Protocol == ProtocolVersion
}

// memberOf describes a memberlist node; n must not be kept.
func memberOf(n *memberlist.Node) Member {
	m := Member{
		Name:   n.Name,
		Gossip: net.JoinHostPort(n.Addr.String(), strconv.Itoa(int(n.Port))),
	}
	meta, err := DecodeMeta(n.Meta)
	if err != nil {
		m.MetaError = err.Error()
		return m
	}
	m.API, m.Remote, m.Protocol = meta.API, meta.Remote, meta.Protocol
	return m
}

// sortMembers orders members by name, the order every member agrees on.
func sortMembers(ms []Member) {
	slices.SortFunc(ms, func(a, b Member) int {
		return strings.Compare(a.Name, b.Name)
	})
}
