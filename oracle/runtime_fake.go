package main

// The only fake below the kubelet: a CRI ImageService gRPC server whose answers come from the
// JSON input. The kubelet reaches it the way it reaches containerd: through the CRI client
// (k8s.io/cri-client remoteImageService) over a unix socket. It keeps a set of images and, per
// image, a rule for what a PullImage answers; it logs every call.

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	dockerref "github.com/distribution/reference"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

type storedImage struct {
	ref         string
	size        uint64
	repoTags    []string
	repoDigests []string
}

type fakeImageService struct {
	runtimeapi.UnimplementedImageServiceServer

	mu           sync.Mutex
	images       map[string]*storedImage // by ref
	rules        map[string]*PullRule    // by normalized name
	statusErrors map[string]*GRPCError   // by normalized name
	log          []CRICall
	held         map[string]chan struct{} // normalized name -> closed on release
	abandoned    []chan struct{}          // pulls of a stopped kubelet: never answered
	started      chan string              // a pull reached the runtime (normalized name)

	server   *grpc.Server
	endpoint string
}

func newFakeImageService(dir string) (*fakeImageService, error) {
	f := &fakeImageService{
		images:       map[string]*storedImage{},
		rules:        map[string]*PullRule{},
		statusErrors: map[string]*GRPCError{},
		held:         map[string]chan struct{}{},
		started:      make(chan string, 1000),
	}
	sock := filepath.Join(dir, "cri.sock")
	_ = os.Remove(sock)
	lis, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("fake image service: %w", err)
	}
	f.server = grpc.NewServer()
	runtimeapi.RegisterImageServiceServer(f.server, f)
	go func() { _ = f.server.Serve(lis) }()
	f.endpoint = "unix://" + sock
	return f, nil
}

func (f *fakeImageService) stop() { f.server.Stop() }

// normalize gives the name containerd would look an image up by (docker.io/library/… for short names).
func normalize(image string) string {
	named, err := dockerref.ParseNormalizedNamed(image)
	if err != nil {
		return image
	}
	return dockerref.TagNameOnly(named).String()
}

func defaultRef(image string) string {
	return fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(normalize(image))))
}

// takeLog returns the calls logged since the last take.
func (f *fakeImageService) takeLog() []CRICall {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	if out == nil {
		out = []CRICall{}
	}
	return out
}

func (f *fakeImageService) record(c CRICall) {
	f.mu.Lock()
	f.log = append(f.log, c)
	f.mu.Unlock()
}

func (f *fakeImageService) addImage(in ImageIn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.addImageLocked(in)
}

func (f *fakeImageService) addImageLocked(in ImageIn) *storedImage {
	ref := in.Ref
	if ref == "" {
		ref = defaultRef(in.Image)
	}
	size := in.Size
	if size == 0 {
		size = 1000
	}
	img := f.images[ref]
	if img == nil {
		img = &storedImage{ref: ref}
		f.images[ref] = img
	}
	img.size = size
	names := append([]string{in.Image}, in.RepoTags...)
	for _, n := range names {
		f.addName(img, n)
	}
	for _, d := range in.RepoDigests {
		f.addName(img, d)
	}
	return img
}

// addName gives an image a name, taking it from any other image (as a tag moves in containerd).
func (f *fakeImageService) addName(img *storedImage, name string) {
	n := normalize(name)
	isDigest := strings.Contains(n, "@")
	for _, other := range f.images {
		if other == img {
			continue
		}
		other.repoTags = without(other.repoTags, n)
		other.repoDigests = without(other.repoDigests, n)
	}
	if isDigest {
		if !contains(img.repoDigests, n) {
			img.repoDigests = append(img.repoDigests, n)
		}
	} else if !contains(img.repoTags, n) {
		img.repoTags = append(img.repoTags, n)
	}
}

func (f *fakeImageService) findLocked(image string) *storedImage {
	if img, ok := f.images[image]; ok {
		return img
	}
	n := normalize(image)
	for _, img := range f.images {
		if contains(img.repoTags, n) || contains(img.repoDigests, n) {
			return img
		}
	}
	return nil
}

func (f *fakeImageService) removeImage(image string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	img := f.findLocked(image)
	if img == nil {
		return false
	}
	delete(f.images, img.ref)
	return true
}

func (f *fakeImageService) setRule(r PullRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rule := r
	f.rules[normalize(r.Image)] = &rule
}

func (f *fakeImageService) setStatusError(image string, e *GRPCError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e == nil {
		delete(f.statusErrors, normalize(image))
	} else {
		f.statusErrors[normalize(image)] = e
	}
}

func (f *fakeImageService) release(image string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := normalize(image)
	if ch, ok := f.held[n]; ok {
		close(ch)
		delete(f.held, n)
	}
	if r := f.rules[n]; r != nil {
		r.Hold = false
	}
}

// abandonHeld leaves the held pulls in flight unanswered for good: their kubelet stopped (a
// process that dies never sees the answer). Later pulls of the same images hold anew.
func (f *fakeImageService) abandonHeld() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for name, ch := range f.held {
		f.abandoned = append(f.abandoned, ch)
		delete(f.held, name)
		n++
	}
	return n
}

func (f *fakeImageService) list() []ImageStored {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []ImageStored{}
	for _, img := range f.images {
		out = append(out, ImageStored{Ref: img.ref, Size: img.size, RepoTags: img.repoTags, RepoDigests: img.repoDigests})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out
}

func toCRIImage(img *storedImage) *runtimeapi.Image {
	return &runtimeapi.Image{Id: img.ref, Size: img.size, RepoTags: img.repoTags, RepoDigests: img.repoDigests}
}

func grpcErr(e *GRPCError) error {
	code, ok := codeByName[e.Code]
	if !ok {
		code = codes.Unknown
	}
	return status.Error(code, e.Message)
}

var codeByName = func() map[string]codes.Code {
	m := map[string]codes.Code{}
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		m[c.String()] = c
	}
	return m
}()

// --- the CRI ImageService ---

func (f *fakeImageService) ListImages(_ context.Context, _ *runtimeapi.ListImagesRequest) (*runtimeapi.ListImagesResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	resp := &runtimeapi.ListImagesResponse{}
	refs := make([]string, 0, len(f.images))
	for ref := range f.images {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		resp.Images = append(resp.Images, toCRIImage(f.images[ref]))
	}
	f.log = append(f.log, CRICall{Method: "ListImages"})
	return resp, nil
}

func (f *fakeImageService) ImageStatus(_ context.Context, req *runtimeapi.ImageStatusRequest) (*runtimeapi.ImageStatusResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	image := req.GetImage().GetImage()
	call := CRICall{Method: "ImageStatus", Image: image}
	if e := f.statusErrors[normalize(image)]; e != nil {
		call.Error = e.Code + ": " + e.Message
		f.log = append(f.log, call)
		return nil, grpcErr(e)
	}
	img := f.findLocked(image)
	if img == nil {
		call.Ref = "absent"
		f.log = append(f.log, call)
		return &runtimeapi.ImageStatusResponse{}, nil
	}
	call.Ref = img.ref
	f.log = append(f.log, call)
	return &runtimeapi.ImageStatusResponse{Image: toCRIImage(img)}, nil
}

func (f *fakeImageService) PullImage(ctx context.Context, req *runtimeapi.PullImageRequest) (*runtimeapi.PullImageResponse, error) {
	image := req.GetImage().GetImage()
	n := normalize(image)
	call := CRICall{Method: "PullImage", Image: image}
	if a := req.GetAuth(); a != nil {
		call.Auth = &Credential{Username: a.Username, Password: a.Password}
	}

	f.mu.Lock()
	rule := f.rules[n]
	var wait chan struct{}
	if rule != nil && rule.Hold {
		wait = f.held[n]
		if wait == nil {
			wait = make(chan struct{})
			f.held[n] = wait
		}
	}
	f.mu.Unlock()
	f.started <- n
	if wait != nil {
		select {
		case <-wait:
		case <-ctx.Done():
			call.Error = "Canceled: " + ctx.Err().Error()
			f.record(call)
			return nil, status.Error(codes.Canceled, ctx.Err().Error())
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	rule = f.rules[n]
	var fail *GRPCError
	switch {
	case rule == nil:
		fail = &GRPCError{Code: "NotFound", Message: fmt.Sprintf("failed to pull and unpack image %q: failed to resolve reference %q: %s: not found", n, n, n)}
	case len(rule.Auth) > 0:
		if !authMatches(rule.Auth, req.GetAuth()) {
			fail = rule.AuthError
			if fail == nil {
				fail = &GRPCError{Code: "Unknown", Message: fmt.Sprintf("failed to pull and unpack image %q: failed to resolve reference %q: pull access denied, repository does not exist or may require authorization: authorization failed: no basic auth credentials", n, n)}
			}
		}
	case rule.Error != nil:
		fail = rule.Error
	}
	if fail != nil {
		call.Error = fail.Code + ": " + fail.Message
		f.log = append(f.log, call)
		return nil, grpcErr(fail)
	}
	img := f.addImageLocked(ImageIn{Image: image, Ref: rule.Ref, Size: rule.Size})
	call.Ref = img.ref
	f.log = append(f.log, call)
	return &runtimeapi.PullImageResponse{ImageRef: img.ref}, nil
}

func (f *fakeImageService) RemoveImage(_ context.Context, req *runtimeapi.RemoveImageRequest) (*runtimeapi.RemoveImageResponse, error) {
	image := req.GetImage().GetImage()
	f.removeImage(image)
	f.record(CRICall{Method: "RemoveImage", Image: image})
	return &runtimeapi.RemoveImageResponse{}, nil
}

func (f *fakeImageService) ImageFsInfo(_ context.Context, _ *runtimeapi.ImageFsInfoRequest) (*runtimeapi.ImageFsInfoResponse, error) {
	f.record(CRICall{Method: "ImageFsInfo"})
	return &runtimeapi.ImageFsInfoResponse{}, nil
}

func authMatches(allowed []Credential, a *runtimeapi.AuthConfig) bool {
	if a == nil {
		return false
	}
	for _, c := range allowed {
		if c.Username == a.Username && c.Password == a.Password {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func without(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
