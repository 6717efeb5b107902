package cluster

import (
	"fmt"

	"github.com/hashicorp/memberlist"
	"google.golang.org/protobuf/proto"

	pb "github.com/homeostat/homeostat/proto/homeostat/v1"
)

// Meta is what a member tells the others about itself through gossip.
type Meta struct {
	// Protocol is the member protocol version it speaks.
	Protocol uint32
	// API is HOST:PORT of its HTTP API.
	API string
	// Remote is HOST:PORT of its protoactor remote endpoint.
	Remote string
}

// Encode returns the metadata as memberlist carries it: a
// pb.MemberMeta message, at most memberlist.MetaMaxSize bytes.
func (m Meta) Encode() ([]byte, error) {
	b, err := proto.Marshal(&pb.MemberMeta{
		Protocol:   m.Protocol,
		ApiAddr:    m.API,
		RemoteAddr: m.Remote,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMeta, err)
	}
	if len(b) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d",
			ErrMeta, len(b), memberlist.MetaMaxSize)
	}
	return b, nil
}

// DecodeMeta reads metadata published by [Meta.Encode]. Fields added by
// newer members are ignored.
func DecodeMeta(b []byte) (Meta, error) {
	var pm pb.MemberMeta
	if err := proto.Unmarshal(b, &pm); err != nil {
		return Meta{}, fmt.Errorf("%w: %w", ErrMeta, err)
	}
	return Meta{
		Protocol: pm.GetProtocol(),
		API:      pm.GetApiAddr(),
		Remote:   pm.GetRemoteAddr(),
	}, nil
}
