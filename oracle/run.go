package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	grpcstatus "google.golang.org/grpc/status"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	corev1defaults "k8s.io/kubernetes/pkg/apis/core/v1"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	kubecontainer "k8s.io/kubernetes/pkg/kubelet/container"
	"k8s.io/kubernetes/pkg/kubelet/events"
	testingclock "k8s.io/utils/clock/testing"

	_ "k8s.io/kubernetes/pkg/apis/core/install" // the legacy scheme knows Pods (event references)
)

// Epoch is where the fake clock starts.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type asyncCall struct {
	done   chan struct{}
	result Result
}

type session struct {
	ctx      context.Context
	kc       *kubeletconfig.KubeletConfiguration
	dir      string
	nodeName string
	clock    *testingclock.FakeClock
	runtime  *fakeImageService
	kubelet  *kubelet
	async    map[int]*asyncCall
	reported map[int]bool
	mu       sync.Mutex
}

// run answers the input; an *InputError means bad input.
func run(in *Input, kubeletVersion string) (*Output, error) {
	if in.APIVersion != APIVersion {
		return nil, &InputError{Call: -1, Field: "apiVersion", What: fmt.Sprintf("must be %q, got %q", APIVersion, in.APIVersion)}
	}
	if err := checkInput(in); err != nil {
		return nil, err
	}
	out := &Output{APIVersion: APIVersion, KubeletVersion: kubeletVersion, Results: []Result{}}
	kc, cfg, err := loadConfig(in.KubeletConfig)
	if err != nil {
		return nil, err
	}
	out.Config = cfg
	if kc == nil {
		// The kubelet would not start.
		return out, nil
	}

	dir, err := os.MkdirTemp("", "pullcheck-oracle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s := &session{
		ctx:      context.Background(),
		kc:       kc,
		dir:      dir,
		nodeName: in.NodeName,
		clock:    testingclock.NewFakeClock(Epoch),
		async:    map[int]*asyncCall{},
		reported: map[int]bool{},
	}
	if s.nodeName == "" {
		s.nodeName = "pullcheck-node"
	}
	rootDir := filepath.Join(dir, "kubelet")
	if err := os.MkdirAll(rootDir, 0o750); err != nil {
		return nil, err
	}
	s.runtime, err = newFakeImageService(dir)
	if err != nil {
		return nil, err
	}
	defer s.runtime.stop()
	for _, img := range in.Images {
		s.runtime.addImage(img)
	}
	for _, r := range in.Pulls {
		s.runtime.setRule(r)
	}
	if err := s.start(); err != nil {
		return nil, err
	}
	out.Startup = &StartupOut{CRI: s.runtime.takeLog()}

	for i, c := range in.Calls {
		r, err := s.do(i, c)
		if err != nil {
			return nil, err
		}
		out.Results = append(out.Results, r...)
	}
	// Async calls still running: let them settle, and report them.
	s.settle()
	if tail := s.finished(-1); len(tail) > 0 {
		out.Results = append(out.Results, tail...)
	}
	out.Records, err = readRecords(filepath.Join(rootDir, "image_manager"))
	if err != nil {
		return nil, err
	}
	out.Images = s.runtime.list()
	return out, nil
}

func (s *session) start() error {
	if s.kubelet != nil {
		s.kubelet.events.stop()
	}
	k, err := startKubelet(s.ctx, s.kc, filepath.Join(s.dir, "kubelet"), s.nodeName, s.clock, s.runtime.endpoint)
	if err != nil {
		return err
	}
	s.kubelet = k
	return nil
}

func (s *session) at() float64 { return s.clock.Now().Sub(Epoch).Seconds() }

func (s *session) do(i int, c Call) ([]Result, error) {
	r := Result{Index: i, Op: c.Op, At: s.at()}
	switch c.Op {
	case "ensureImage":
		pod, secrets, err := buildPod(i, c)
		if err != nil {
			return nil, err
		}
		container := &pod.Spec.Containers[0]
		r.ImagePullPolicy = string(container.ImagePullPolicy)
		if c.Async {
			a := &asyncCall{done: make(chan struct{})}
			s.mu.Lock()
			s.async[i] = a
			s.mu.Unlock()
			k := s.kubelet
			go func() {
				defer close(a.done)
				res := Result{Index: i, Op: c.Op, ImagePullPolicy: r.ImagePullPolicy}
				defer func() {
					if p := recover(); p != nil {
						res.Error = fmt.Sprintf("internal error: %v", p)
						a.result = res
					}
				}()
				s.ensure(k, pod, secrets, &res)
				a.result = res
			}()
			s.settle()
			select {
			case <-a.done:
				r.ImageRef, r.Message, r.Error, r.WaitingReason = a.result.ImageRef, a.result.Message, a.result.Error, a.result.WaitingReason
				s.mu.Lock()
				delete(s.async, i)
				s.reported[i] = true
				s.mu.Unlock()
			default:
				r.Pending = true
			}
		} else {
			s.ensure(s.kubelet, pod, secrets, &r)
		}
	case "step":
		if c.Seconds == nil || *c.Seconds < 0 {
			return nil, &InputError{Call: i, Field: "seconds", What: "a number of seconds ≥ 0 is required"}
		}
		s.clock.Step(time.Duration(*c.Seconds * float64(time.Second)))
	case "runtime":
		for _, p := range c.Pulls {
			s.runtime.setRule(p)
		}
		if c.Image != "" {
			s.runtime.setStatusError(c.Image, c.StatusError)
		}
	case "addImage":
		s.runtime.addImage(c.ImageIn)
	case "removeImage":
		removed := s.runtime.removeImage(c.Image)
		r.Removed = &removed
	case "release":
		s.runtime.release(c.Image)
	case "await":
		s.mu.Lock()
		a := s.async[*c.Call]
		s.mu.Unlock()
		if a == nil && s.reported[*c.Call] {
			break // already finished and reported
		}
		if a == nil {
			return nil, &InputError{Call: i, Field: "call", What: fmt.Sprintf("calls[%d] is not an async ensureImage still pending", *c.Call)}
		}
		select {
		case <-a.done:
		case <-time.After(30 * time.Second):
			return nil, &InputError{Call: i, Field: "call", What: fmt.Sprintf("calls[%d] did not finish within 30 s of real time (a held pull not released?)", *c.Call)}
		}
	case "deletePod":
		// The kubelet's image manager keeps nothing per pod but back-off entries, which stay;
		// pod sync runs under context.WithoutCancel (pkg/kubelet/kubelet.go), so an in-flight
		// EnsureImageExists of the pod goes on.
	case "restartKubelet":
		s.settle()
		// The old kubelet's calls still in flight die with it: they are never answered, and
		// what they wrote (pull intents) stays on disk for the new kubelet to find.
		s.runtime.abandonHeld()
		s.mu.Lock()
		for k := range s.async {
			abandoned := k
			r.Abandoned = append(r.Abandoned, abandoned)
			delete(s.async, k)
			s.reported[k] = true
		}
		s.mu.Unlock()
		sort.Ints(r.Abandoned)
		if err := s.start(); err != nil {
			return nil, err
		}
	case "records":
	}
	s.settle()
	r.Events = s.kubelet.events.take()
	r.CRI = s.runtime.takeLog()
	results := []Result{r}
	results = append(results, s.finished(i)...)
	return results, nil
}

// finished reports async calls that completed (not counting the call being answered).
func (s *session) finished(current int) []Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Result
	var keys []int
	for k := range s.async {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		a := s.async[k]
		select {
		case <-a.done:
			idx := k
			res := a.result
			res.Index = current
			res.Completes = &idx
			res.At = s.at()
			res.Events = []EventOut{}
			res.CRI = []CRICall{}
			out = append(out, res)
			delete(s.async, k)
			s.reported[k] = true
		default:
		}
	}
	return out
}

// settle waits (in real time) until async work stops moving: no new CRI call and no new event
// for 150 ms. Without async calls it returns at once.
func (s *session) settle() {
	s.mu.Lock()
	n := len(s.async)
	s.mu.Unlock()
	if n == 0 {
		return
	}
	last := -1
	stable := 0
	for stable < 15 {
		time.Sleep(10 * time.Millisecond)
		s.runtime.mu.Lock()
		cur := len(s.runtime.log)
		s.runtime.mu.Unlock()
		cur += int(s.kubelet.events.recorder.count.Load())
		if cur == last {
			stable++
		} else {
			stable = 0
			last = cur
		}
	}
}

// ensure calls EnsureImageExists as kuberuntime's startContainer does, and on error records the
// second event startContainer records ("Failed", "Error: <reason>", kuberuntime_container.go).
func (s *session) ensure(k *kubelet, pod *v1.Pod, secrets []v1.Secret, r *Result) {
	container := &pod.Spec.Containers[0]
	ref, err := kubecontainer.GenerateContainerRef(pod, container)
	if err != nil {
		r.Error = "GenerateContainerRef: " + err.Error()
		return
	}
	sandbox := &runtimeapi.PodSandboxConfig{Metadata: &runtimeapi.PodSandboxMetadata{Name: pod.Name, Namespace: pod.Namespace, Uid: string(pod.UID)}}
	imageRef, msg, err := k.images.EnsureImageExists(s.ctx, ref, pod, container.Image, secrets, sandbox, "", container.ImagePullPolicy)
	r.ImageRef, r.Message = imageRef, msg
	if err != nil {
		r.Error = err.Error()
		r.WaitingReason = err.Error()
		st, _ := grpcstatus.FromError(err)
		k.events.recorder.Event(ref, v1.EventTypeWarning, events.FailedToCreateContainer, fmt.Sprintf("Error: %v", st.Message()))
	}
}

func buildPod(i int, c Call) (*v1.Pod, []v1.Secret, error) {
	if c.Pod == nil || c.Pod.Name == "" {
		return nil, nil, &InputError{Call: i, Field: "pod.name", What: "required"}
	}
	if c.Container == nil || c.Container.Image == "" {
		return nil, nil, &InputError{Call: i, Field: "container.image", What: "required"}
	}
	switch c.Container.ImagePullPolicy {
	case "", "Always", "IfNotPresent", "Never":
	default:
		return nil, nil, &InputError{Call: i, Field: "container.imagePullPolicy", What: fmt.Sprintf("must be Always, IfNotPresent, Never or absent, got %q", c.Container.ImagePullPolicy)}
	}
	ns := c.Pod.Namespace
	if ns == "" {
		ns = "default"
	}
	uid := c.Pod.UID
	if uid == "" {
		uid = c.Pod.Name + "-uid"
	}
	name := c.Container.Name
	if name == "" {
		name = "app"
	}
	container := v1.Container{Name: name, Image: c.Container.Image, ImagePullPolicy: v1.PullPolicy(c.Container.ImagePullPolicy)}
	// The API server's defaulting of the pod's container (pkg/apis/core/v1/defaults.go).
	corev1defaults.SetDefaults_Container(&container)
	pod := &v1.Pod{
		TypeMeta:   metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: metav1.ObjectMeta{Name: c.Pod.Name, Namespace: ns, UID: types.UID(uid)},
		Spec:       v1.PodSpec{Containers: []v1.Container{container}},
	}
	var secrets []v1.Secret
	for j, sec := range c.PullSecrets {
		field := fmt.Sprintf("pullSecrets[%d]", j)
		if sec.Name == "" {
			return nil, nil, &InputError{Call: i, Field: field + ".name", What: "required"}
		}
		sns := sec.Namespace
		if sns == "" {
			sns = ns
		}
		suid := sec.UID
		if suid == "" {
			suid = sec.Name + "-uid"
		}
		var data []byte
		switch {
		case len(sec.DockerConfigJSON) > 0:
			data = sec.DockerConfigJSON
		case sec.Registry != "":
			auth := base64.StdEncoding.EncodeToString([]byte(sec.Username + ":" + sec.Password))
			data, _ = json.Marshal(map[string]any{"auths": map[string]any{sec.Registry: map[string]string{"username": sec.Username, "password": sec.Password, "auth": auth}}})
		default:
			return nil, nil, &InputError{Call: i, Field: field, What: "needs registry (with username and password) or dockerConfigJson"}
		}
		secrets = append(secrets, v1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: sec.Name, Namespace: sns, UID: types.UID(suid)},
			Type:       v1.SecretTypeDockerConfigJson,
			Data:       map[string][]byte{v1.DockerConfigJsonKey: data},
		})
		pod.Spec.ImagePullSecrets = append(pod.Spec.ImagePullSecrets, v1.LocalObjectReference{Name: sec.Name})
	}
	return pod, secrets, nil
}

var knownOps = map[string]bool{"ensureImage": true, "step": true, "runtime": true, "addImage": true, "removeImage": true, "release": true, "await": true, "deletePod": true, "restartKubelet": true, "records": true}

func checkInput(in *Input) error {
	for j, img := range in.Images {
		if img.Image == "" {
			return &InputError{Call: -1, Field: fmt.Sprintf("images[%d].image", j), What: "required"}
		}
	}
	if err := checkRules(-1, "pulls", in.Pulls); err != nil {
		return err
	}
	for i, c := range in.Calls {
		if !knownOps[c.Op] {
			ops := make([]string, 0, len(knownOps))
			for k := range knownOps {
				ops = append(ops, k)
			}
			sort.Strings(ops)
			return &InputError{Call: i, Field: "op", What: fmt.Sprintf("unknown op %q (one of %s)", c.Op, strings.Join(ops, ", "))}
		}
		switch c.Op {
		case "runtime":
			if err := checkRules(i, "pulls", c.Pulls); err != nil {
				return err
			}
			if c.StatusError != nil && c.Image == "" {
				return &InputError{Call: i, Field: "image", What: "required with statusError"}
			}
		case "addImage", "removeImage", "release":
			if c.Image == "" {
				return &InputError{Call: i, Field: "image", What: "required"}
			}
		case "await":
			if c.Call == nil {
				return &InputError{Call: i, Field: "call", What: "required: the index of an async ensureImage call"}
			}
			if *c.Call < 0 || *c.Call >= i || in.Calls[*c.Call].Op != "ensureImage" || !in.Calls[*c.Call].Async {
				return &InputError{Call: i, Field: "call", What: fmt.Sprintf("%d is not the index of an earlier async ensureImage call", *c.Call)}
			}
		}
	}
	return nil
}

func checkRules(call int, field string, rules []PullRule) error {
	for j, r := range rules {
		f := fmt.Sprintf("%s[%d]", field, j)
		if r.Image == "" {
			return &InputError{Call: call, Field: f + ".image", What: "required"}
		}
		for _, e := range []*GRPCError{r.Error, r.AuthError} {
			if e != nil {
				if _, ok := codeByName[e.Code]; !ok {
					return &InputError{Call: call, Field: f + ".error.code", What: fmt.Sprintf("unknown gRPC code %q (Unknown, NotFound, Unavailable, ...)", e.Code)}
				}
			}
		}
	}
	return nil
}

// readRecords lists the pull intents and pulled records the kubelet wrote, as it wrote them.
func readRecords(dir string) (*RecordsOut, error) {
	out := &RecordsOut{Intents: []json.RawMessage{}, Pulled: []json.RawMessage{}}
	for _, sub := range []struct {
		name string
		into *[]json.RawMessage
	}{{"pulling", &out.Intents}, {"pulled", &out.Pulled}} {
		entries, err := os.ReadDir(filepath.Join(dir, sub.name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, sub.name, e.Name()))
			if err != nil {
				return nil, err
			}
			if json.Valid(b) {
				*sub.into = append(*sub.into, json.RawMessage(b))
			} else {
				q, _ := json.Marshal(string(b))
				*sub.into = append(*sub.into, json.RawMessage(q))
			}
		}
	}
	return out, nil
}
