package cluster

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"
)

// echoServer answers every connection with what it reads.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestFaultProxyKeepsBytes: cut into pieces, delayed and stalled, the
// bytes arrive whole and in order both ways.
func TestFaultProxyKeepsBytes(t *testing.T) {
	p, err := NewFaultProxy("127.0.0.1:0", echoServer(t), FaultProxyConfig{Seed: 3,
		MaxPiece: 100, MaxDelay: 50 * time.Microsecond, StallChance: 0.05,
		Stall: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.IntN(256))
	}
	go func() { _, _ = c.Write(data) }()
	got := make([]byte, len(data))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Error("the bytes changed on the way")
	}
	st := p.Stats()
	if st.Pieces < 2*len(data)/100 || st.Stalls == 0 || st.Bytes != 2*int64(len(data)) {
		t.Errorf("stats %+v", st)
	}
}

// TestFaultProxyResetAndPause: Reset breaks the open connections; while
// paused nothing gets through, and after Resume everything does.
func TestFaultProxyResetAndPause(t *testing.T) {
	p, err := NewFaultProxy("127.0.0.1:0", echoServer(t), FaultProxyConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 2)
	if _, err := c.Write([]byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hi" {
		t.Fatalf("echo %q, %v", buf, err)
	}
	p.Pause()
	if _, err := c.Write([]byte("yo")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var ne net.Error
	if _, err := c.Read(buf); !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read while paused: %v, want a timeout", err)
	}
	p.Resume()
	_ = c.SetReadDeadline(time.Time{})
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "yo" {
		t.Fatalf("after resume %q, %v", buf, err)
	}
	p.Reset()
	if _, err := io.ReadFull(c, buf); err == nil {
		t.Error("the connection survived a reset")
	}
	if err := (FaultProxyConfig{StallChance: 2}).Validate(); !errors.Is(err, ErrConfig) {
		t.Errorf("bad config: %v", err)
	}
}
