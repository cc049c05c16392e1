package kube

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kubeFixtures maps every realistic input under testdata/kube to the kind
// SniffKube must give it.
var kubeFixtures = map[string]string{
	"describe-node-microk8s-1.16.txt":                 "describe-node",
	"describe-node-kubeadm-1.29-systemd-cgroupv2.txt": "describe-node",
	"describe-nodes-3-kubectl-1.19.txt":               "describe-node",
	"describe-node-nodash.txt":                        "describe-node",
	"describe-pod-oomkilled.txt":                      "describe-pod",
	"get-pods.json":                                   "get-pods-json",
	"get-pods.yaml":                                   "get-pods-yaml",
	"get-nodes.json":                                  "get-nodes-json",
	"get-events.json":                                 "get-events-json",
	"get-pods-A-wide.txt":                             "get-pods",
	"get-pods-A-1.16.txt":                             "get-pods",
	"get-nodes-wide.txt":                              "get-nodes",
	"get-nodes-1.16.txt":                              "get-nodes",
	"get-events-A.txt":                                "get-events",
	"get-events-A-1.12.txt":                           "get-events",
	"crictl-ps-a.txt":                                 "crictl-ps",
	"crictl-ps-a-crio-1.15.txt":                       "crictl-ps",
	"crictl-pods.txt":                                 "crictl-pods",
	"docker-ps-a.txt":                                 "docker-ps",
	"ctr-n-k8s.io-container-ls.txt":                   "ctr-containers",
}

func readKubeFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "kube", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readKubeFixture sniffs and reads one fixture into fresh Facts.
func readKubeFixture(t testing.TB, name string) (*Facts, int, []Warning) {
	t.Helper()
	data := readKubeFile(t, name)
	kind := SniffKube(data)
	if kind != kubeFixtures[name] {
		t.Fatalf("SniffKube(%s) = %q, want %q", name, kind, kubeFixtures[name])
	}
	b := &Facts{}
	lines, warns := ReadKube(kind, data, name, b)
	return b, lines, warns
}

func TestKubeFixturesAllListed(t *testing.T) {
	ents, err := os.ReadDir(filepath.Join("testdata", "kube"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		if _, ok := kubeFixtures[e.Name()]; !ok {
			t.Errorf("fixture %s has no expected kind in kubeFixtures", e.Name())
		}
	}
}

// TestKubeGolden dumps everything each fixture yields and compares it with
// testdata/kube/want/<fixture>.json (rewrite with -update).
func TestKubeGolden(t *testing.T) {
	for name := range kubeFixtures {
		t.Run(name, func(t *testing.T) {
			b, lines, warns := readKubeFixture(t, name)
			if want := strings.Count(string(readKubeFile(t, name)), "\n"); lines != want {
				t.Errorf("lines = %d, want %d", lines, want)
			}
			for _, w := range warns {
				if w.Line <= 0 || w.Path != name {
					t.Errorf("warning without a line: %+v", w)
				}
			}
			dump := struct {
				Kind       string
				Lines      int
				Warnings   []Warning
				Nodes      []*Node
				Pods       []*Pod
				Containers []*Container
				K8sEvents  []K8sEvent
			}{kubeFixtures[name], lines, warns, b.Nodes, b.Pods, b.Containers, b.K8sEvents}
			got, err := json.MarshalIndent(dump, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "kube", "want", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s mismatch (-want +got):\n%s", golden, cmp.Diff(string(want), string(got)))
			}
		})
	}
}
