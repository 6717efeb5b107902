package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/homeostat/homeostat/cluster"
)

// startMembership starts gossiping on --gossip and publishes the
// addresses the other members should use for this one's API and remote.
func (d *daemon) startMembership(secret []byte) error {
	cfg, err := d.clusterConfig(secret)
	if err != nil {
		return err
	}
	if d.members, err = cluster.Start(cfg); err != nil {
		return err
	}

	local := d.members.Local()
	d.log.Info("gossiping", "gossip", local.Gossip, "profile", d.opts.profile,
		"encrypted", secret != nil)

	if d.opts.advertise != "" || !isWildcard(d.apiLn.Addr()) {
		return nil
	}
	// Bound to every interface with nothing to advertise: publish the
	// address memberlist picked for gossip, which the others can reach.
	host, _, _ := net.SplitHostPort(local.Gossip)
	meta := cluster.Meta{Protocol: cluster.ProtocolVersion,
		API:    withHost(d.apiLn.Addr(), host),
		Remote: withHost(d.remoteLn.Addr(), host)}
	return d.members.UpdateMeta(meta, d.opts.leaveTimeout)
}

// clusterConfig turns the flags into the membership's Config.
func (d *daemon) clusterConfig(secret []byte) (cluster.Config, error) {
	cfg := cluster.LANConfig(d.opts.name)
	if d.opts.profile == "local" {
		cfg = cluster.LocalConfig(d.opts.name)
	}
	host, port, err := splitHostPort(d.opts.gossip)
	if err != nil {
		return cfg, fmt.Errorf("--gossip: %w", err)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	cfg.BindAddr, cfg.BindPort = host, port

	if d.opts.advertise != "" {
		if cfg.AdvertiseAddr, err = resolveIP(d.opts.advertise); err != nil {
			return cfg, err
		}
	}
	cfg.API = publishedAddr(d.apiLn.Addr(), d.opts.advertise)
	cfg.Remote = publishedAddr(d.remoteLn.Addr(), d.opts.advertise)
	cfg.SecretKey = secret
	cfg.Logger = d.log
	return cfg, nil
}

// publishedAddr is the address to publish for a bound listener: its port
// with the advertised host when there is one.
func publishedAddr(a net.Addr, advertise string) string {
	if advertise == "" {
		return a.String()
	}
	return withHost(a, advertise)
}

func withHost(a net.Addr, host string) string {
	return net.JoinHostPort(host, strconv.Itoa(a.(*net.TCPAddr).Port))
}

func isWildcard(a net.Addr) bool {
	return a.(*net.TCPAddr).IP.IsUnspecified()
}

// resolveIP turns --advertise into the IP memberlist needs.
func resolveIP(host string) (string, error) {
	if net.ParseIP(host) != nil {
		return host, nil
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return "", fmt.Errorf("--advertise %q: cannot resolve: %v", host, err)
	}
	for _, ip := range ips {
		if ip.To4() != nil {
			return ip.String(), nil
		}
	}
	return ips[0].String(), nil
}
