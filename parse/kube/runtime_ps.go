package kube

// Container-runtime listings that map a container ID to its pod:
//
//	crictl ps -a
//	CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD
//	4f1c2b9e8d7a6       8c811b4aec35f       12 minutes ago      Running             app                 4                   9a8b7c6d5e4f3       web-7d4b8c6f9-x2x7k
//
//	crictl pods
//	POD ID              CREATED             STATE               NAME                  NAMESPACE           ATTEMPT             RUNTIME
//	9a8b7c6d5e4f3       2 days ago          Ready               web-7d4b8c6f9-x2x7k   default             0                   (default)
//
//	docker ps -a
//	CONTAINER ID   IMAGE          COMMAND                  CREATED          STATUS                        PORTS     NAMES
//	3c9d0e1f2a3b   5d0da3dc9764   "python3 app.py"         12 minutes ago   Exited (137) 10 minutes ago             k8s_app_web-7d4b8c6f9-x2x7k_default_5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f_3
//
//	ctr -n k8s.io container ls
//	CONTAINER                                                           IMAGE                                   RUNTIME
//	4f1c2b9e8d7a6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605f4e3    registry.example.com/web:2.4.1          io.containerd.runc.v2
//
// Older crictl printed "CONTAINER ID" and no POD column; newer adds
// NAMESPACE. Columns are found by name.

import (
	"strconv"
	"strings"
)

// parseRuntimePS parses a crictl ps, crictl pods, docker ps or ctr container
// listing; kind is the SniffKube kind (crictl-ps, crictl-pods, docker-ps,
// ctr-containers).
func parseRuntimePS(kind string, data []byte, path string) (ctrs []*Container, lines int, warnings []Warning) {
	lines, warnings = kubeTable(data, path, func(n int, raw string, c []string, cols []tableCol) *Warning {
		k := &Container{Ref: Ref{Path: path, Line: n}, Source: kind}
		switch kind {
		case "crictl-pods":
			k.Sandbox = true
			k.ID = cellOf(c, cols, "POD ID")
			k.PodID = k.ID
			k.PodName = cellOf(c, cols, "NAME")
			k.PodNamespace = cellOf(c, cols, "NAMESPACE")
			k.State = cellOf(c, cols, "STATE")
			k.Created = cellOf(c, cols, "CREATED")
			k.Runtime = cellOf(c, cols, "RUNTIME")
		case "docker-ps":
			k.ID = cellOf(c, cols, "CONTAINER ID")
			k.Image = cellOf(c, cols, "IMAGE")
			k.Created = cellOf(c, cols, "CREATED")
			k.State = cellOf(c, cols, "STATUS")
			k.Name = cellOf(c, cols, "NAMES")
			k.Runtime = "docker"
			if rest, ok := strings.CutPrefix(k.State, "Exited ("); ok {
				if code, _, ok := strings.Cut(rest, ")"); ok {
					if v, err := strconv.Atoi(code); err == nil {
						k.ExitCode = &v
					}
				}
			}
			dockerK8sName(k)
		case "ctr-containers":
			k.ID = cellOf(c, cols, "CONTAINER")
			k.Image = cellOf(c, cols, "IMAGE")
			k.Runtime = cellOf(c, cols, "RUNTIME")
		default: // crictl-ps
			k.ID = cellOf(c, cols, "CONTAINER", "CONTAINER ID")
			k.Image = cellOf(c, cols, "IMAGE")
			k.Created = cellOf(c, cols, "CREATED")
			k.State = cellOf(c, cols, "STATE")
			k.Name = cellOf(c, cols, "NAME")
			k.PodID = cellOf(c, cols, "POD ID")
			k.PodName = cellOf(c, cols, "POD")
			k.PodNamespace = cellOf(c, cols, "NAMESPACE")
			if a, err := strconv.Atoi(cellOf(c, cols, "ATTEMPT")); err == nil {
				k.Attempt = &a
			}
		}
		if !isHexID(k.ID) {
			return &Warning{Ref: Ref{Path: path, Line: n}, Message: "container row without a hex ID: " + kubeClip(raw)}
		}
		ctrs = append(ctrs, k)
		return nil
	})
	return ctrs, lines, warnings
}

// dockerK8sName reads dockershim/cri-dockerd container names:
// k8s_<container>_<pod>_<namespace>_<pod uid>_<attempt>; the sandbox is
// k8s_POD_<pod>_<namespace>_<uid>_<attempt>.
func dockerK8sName(k *Container) {
	parts := strings.Split(k.Name, "_")
	if len(parts) != 6 || parts[0] != "k8s" {
		return
	}
	k.PodName, k.PodNamespace, k.PodUID = parts[2], parts[3], parts[4]
	if a, err := strconv.Atoi(parts[5]); err == nil {
		k.Attempt = &a
	}
	if parts[1] == "POD" {
		k.Sandbox = true
		k.PodID = k.ID
		k.Name = ""
		return
	}
	k.Name = parts[1]
}

// isHexID reports whether s is a (possibly truncated) hex container ID.
func isHexID(s string) bool {
	if len(s) < 6 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// linkContainers fills PodName, PodNamespace and PodUID of containers from
// the sandboxes listed elsewhere in the bundle (crictl pods, docker POD
// containers) by pod sandbox ID prefix. It only fills empty fields, so it
// is idempotent and does not depend on the order files were read in.
func linkContainers(cs []*Container) {
	var sandboxes []*Container
	for _, c := range cs {
		if c.Sandbox {
			sandboxes = append(sandboxes, c)
		}
	}
	for _, c := range cs {
		if c.Sandbox || c.PodID == "" {
			continue
		}
		for _, s := range sandboxes {
			if !idPrefix(c.PodID, s.ID) {
				continue
			}
			if c.PodName == "" {
				c.PodName = s.PodName
			}
			if c.PodNamespace == "" {
				c.PodNamespace = s.PodNamespace
			}
			if c.PodUID == "" {
				c.PodUID = s.PodUID
			}
			break
		}
	}
}

// idPrefix reports whether two container IDs name the same container (one
// is a prefix of the other, as crictl and docker truncate to 13/12 hex).
func idPrefix(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return strings.HasPrefix(b, a)
}
