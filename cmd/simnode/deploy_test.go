package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/homeostat/homeostat/cluster"
)

// The files under deploy/ are checked against simnode itself: every flag
// they pass must parse, and the probes must point at the API.

const deployDir = "../../deploy"

func readDeploy(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkArgs parses a deploy file's simnode arguments after replacing the
// placeholders its runtime would fill in.
func checkArgs(t *testing.T, where string, args []string, fill map[string]string) options {
	t.Helper()
	var filled []string
	for _, a := range args {
		for k, v := range fill {
			a = strings.ReplaceAll(a, k, v)
		}
		filled = append(filled, a)
	}
	o, err := parseFlags(filled, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("%s: simnode %v: %v", where, filled, err)
	}
	return o
}

// k8sObject is the part of a manifest the checks read.
type k8sObject struct {
	Kind     string
	Metadata struct{ Name string }
	Spec     struct {
		ClusterIP                string `yaml:"clusterIP"`
		PublishNotReadyAddresses bool   `yaml:"publishNotReadyAddresses"`
		ServiceName              string `yaml:"serviceName"`
		Template                 struct {
			Spec struct{ Containers []k8sContainer }
		}
	}
}

type k8sContainer struct {
	Args  []string
	Ports []struct {
		Name          string
		ContainerPort int `yaml:"containerPort"`
	}
	ReadinessProbe k8sProbe `yaml:"readinessProbe"`
	LivenessProbe  k8sProbe `yaml:"livenessProbe"`
	Resources      struct {
		Requests map[string]string
	}
}

type k8sProbe struct {
	HTTPGet struct{ Path, Port string } `yaml:"httpGet"`
}

func readManifests(t *testing.T, name string) []k8sObject {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(readDeploy(t, filepath.Join("k8s", name))))
	var out []k8sObject
	for {
		var o k8sObject
		if err := dec.Decode(&o); err != nil {
			break
		}
		out = append(out, o)
	}
	return out
}

func TestKubernetesManifests(t *testing.T) {
	sts := readManifests(t, "statefulset.yaml")[0]
	svcs := readManifests(t, "service.yaml")
	var headless k8sObject
	for _, s := range svcs {
		if s.Spec.ClusterIP == "None" {
			headless = s
		}
	}
	if headless.Metadata.Name != sts.Spec.ServiceName ||
		!headless.Spec.PublishNotReadyAddresses {
		t.Errorf("the StatefulSet's service %q is not a headless one that "+
			"publishes unready pods", sts.Spec.ServiceName)
	}

	c := sts.Spec.Template.Spec.Containers[0]
	o := checkArgs(t, "statefulset", c.Args, map[string]string{
		"$(POD_NAME)": "simnode-0", "$(POD_IP)": "10.0.0.1"})
	want := headless.Metadata.Name + ":" + strconv.Itoa(cluster.DefaultGossipPort)
	if !slices.Equal(o.join, []string{want}) {
		t.Errorf("--join %v, want the headless service %s", o.join, want)
	}
	checkProbes(t, c, o)
	if c.Resources.Requests["cpu"] == "" || c.Resources.Requests["memory"] == "" {
		t.Error("no resource requests")
	}
}

func checkProbes(t *testing.T, c k8sContainer, o options) {
	t.Helper()
	_, apiPort, _ := splitHostPort(o.api)
	portOf := map[string]int{}
	for _, p := range c.Ports {
		portOf[p.Name] = p.ContainerPort
	}
	probes := []struct {
		probe k8sProbe
		path  string
	}{{c.ReadinessProbe, "/readyz"}, {c.LivenessProbe, "/healthz"}}
	for _, p := range probes {
		get := p.probe.HTTPGet
		if get.Path != p.path || portOf[get.Port] != apiPort {
			t.Errorf("probe %+v, want %s on the API port %d", get, p.path,
				apiPort)
		}
	}
}

func TestSystemdUnit(t *testing.T) {
	unit := string(readDeploy(t, "systemd/simnode.service"))
	unit = strings.ReplaceAll(unit, "\\\n", " ")
	env := map[string]string{"%H": "host", "%d": "/run/credentials",
		"%S": "/var/lib"}
	for _, m := range regexp.MustCompile(`(?m)^Environment=(\w+)=(.*)$`).
		FindAllStringSubmatch(unit, -1) {
		env["${"+m[1]+"}"] = m[2]
		env["$"+m[1]] = m[2]
	}
	exec := regexp.MustCompile(`(?m)^ExecStart=(\S+)(.*)$`).FindStringSubmatch(unit)
	if exec == nil || !strings.HasSuffix(exec[1], "/simnode") {
		t.Fatalf("no ExecStart of simnode in the unit")
	}
	// Longer names first, so $SIMNODE_OPTS is not cut by $SIMNODE_...
	var args []string
	for _, a := range strings.Fields(exec[2]) {
		a = fillLongestFirst(a, env)
		if a != "" {
			args = append(args, a)
		}
	}
	o := checkArgs(t, "simnode.service", args, nil)
	if o.join != nil || o.secretFile != "/run/credentials/gossip.key" {
		t.Errorf("unit defaults: join %v, secret %q", o.join, o.secretFile)
	}
	if !strings.Contains(unit, "EnvironmentFile=-/etc/homeostat/simnode.env") {
		t.Error("the unit reads no EnvironmentFile")
	}
	envFile := string(readDeploy(t, "systemd/simnode.env"))
	for _, m := range regexp.MustCompile(`(?m)^#?(SIMNODE_\w+)=`).
		FindAllStringSubmatch(envFile, -1) {
		if _, ok := env["${"+m[1]+"}"]; !ok {
			t.Errorf("simnode.env sets %s, which the unit never reads", m[1])
		}
	}
}

func fillLongestFirst(s string, env map[string]string) string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, env[k])
	}
	return s
}

func TestContainerfile(t *testing.T) {
	text := strings.ReplaceAll(string(readDeploy(t, "Containerfile")), "\\\n", " ")
	m := regexp.MustCompile(`(?m)^CMD \[(.*)\]$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no CMD in exec form")
	}
	var args []string
	for _, a := range strings.Split(m[1], ",") {
		args = append(args, strings.Trim(strings.TrimSpace(a), `"`))
	}
	o := checkArgs(t, "Containerfile", append(args, "--name", "c"), nil)
	if o.data != "/data" || !strings.Contains(text, "VOLUME [\"/data\"]") {
		t.Errorf("the image keeps data in %q, not its volume", o.data)
	}
}

// freePorts finds a base port with the nine ports local-cluster.sh uses
// free on loopback, TCP and UDP alike.
func freePorts(t *testing.T) int {
	t.Helper()
	for base := 31000; base < 60000; base += 100 {
		if portsFree(base) {
			return base
		}
	}
	t.Fatal("no free ports for the local cluster")
	return 0
}

func portsFree(base int) bool {
	for node := range 3 {
		for off := range 3 {
			addr := fmt.Sprintf("127.0.0.1:%d", base+10*node+off)
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return false
			}
			ln.Close()
			pc, err := net.ListenPacket("udp", addr)
			if err != nil {
				return false
			}
			pc.Close()
		}
	}
	return true
}

func TestLocalClusterScript(t *testing.T) {
	bin := buildSimnode(t)
	base := freePorts(t)
	dir := t.TempDir()
	script := func(arg string) string {
		t.Helper()
		cmd := exec.Command("sh", filepath.Join(deployDir, "local-cluster.sh"), arg)
		cmd.Env = append(os.Environ(), "SIMNODE="+bin,
			"HOMEOSTAT_CLUSTER_DIR="+dir,
			"HOMEOSTAT_BASE_PORT="+strconv.Itoa(base))
		start := time.Now()
		out, err := cmd.CombinedOutput()
		t.Logf("local-cluster.sh %s took %v", arg, time.Since(start))
		if err != nil {
			t.Fatalf("local-cluster.sh %s: %v\n%s", arg, err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { script("stop") })

	script("start")
	c := cluster.NewClient(fmt.Sprintf("127.0.0.1:%d", base+1), "")
	waitFor(t, 15*time.Second, "three members", func() bool {
		return slices.Equal(memberNames(t, c), []string{"n1", "n2", "n3"})
	})
	if out := script("status"); strings.Count(out, "running") != 3 {
		t.Errorf("status:\n%s", out)
	}
	script("stop")
	if out := script("status"); strings.Count(out, "stopped") != 3 {
		t.Errorf("status after stop:\n%s", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := c.Status(ctx); err == nil {
		t.Error("n1 still answers after stop")
	}
}
