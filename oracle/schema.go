package main

import "encoding/json"

// APIVersion names the JSON schema of the input and output (docs/oracle.md).
const APIVersion = "pullcheck.oracle/v1"

// Input is what the oracle reads on stdin.
type Input struct {
	APIVersion string `json:"apiVersion"`
	// NodeName is the kubelet's node name: the events' source host.
	NodeName string `json:"nodeName,omitempty"`
	// KubeletConfig is a partial KubeletConfiguration (kubelet.config.k8s.io/v1beta1),
	// decoded, defaulted and validated as the kubelet does with its config file.
	KubeletConfig json.RawMessage `json:"kubeletConfig,omitempty"`
	// Images are on the node when the kubelet starts (preloaded).
	Images []ImageIn `json:"images,omitempty"`
	// Pulls say how the runtime answers pulls from the start (same as a "runtime" call first).
	Pulls []PullRule `json:"pulls,omitempty"`
	Calls []Call     `json:"calls"`
}

// ImageIn is an image in the runtime's store.
type ImageIn struct {
	// Image is the name it is known by (a tag or a digest reference).
	Image string `json:"image"`
	// Ref is the image ID the runtime reports (ImageStatus .image.id); default: derived from Image.
	Ref string `json:"ref,omitempty"`
	// Size in bytes; default 1000 (the CRI client rejects 0).
	Size uint64 `json:"size,omitempty"`
	// More names of the same image.
	RepoTags    []string `json:"repoTags,omitempty"`
	RepoDigests []string `json:"repoDigests,omitempty"`
}

// PullRule says how the runtime answers a PullImage for one image.
type PullRule struct {
	Image string `json:"image"`
	// On success: the image ID returned and stored; default derived from Image.
	Ref  string `json:"ref,omitempty"`
	Size uint64 `json:"size,omitempty"`
	// Error: the pull fails with this gRPC status (unless Auth is set and matches).
	Error *GRPCError `json:"error,omitempty"`
	// Auth: the pull succeeds only with one of these credentials; any other pull
	// (anonymous or other credentials) fails with AuthError.
	Auth      []Credential `json:"auth,omitempty"`
	AuthError *GRPCError   `json:"authError,omitempty"`
	// Hold: the pull blocks until a "release" call for this image (for async calls).
	Hold bool `json:"hold,omitempty"`
}

// GRPCError is a gRPC status the fake runtime returns.
type GRPCError struct {
	// Code is a gRPC code name: Unknown, NotFound, Unavailable, DeadlineExceeded, ...
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Credential is a username and password (what a CRI AuthConfig carries here).
type Credential struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Call is one step of the sequence.
type Call struct {
	Op string `json:"op"`

	// ensureImage
	Pod         *PodIn       `json:"pod,omitempty"`
	Container   *ContainerIn `json:"container,omitempty"`
	PullSecrets []SecretIn   `json:"pullSecrets,omitempty"`
	// Async: start EnsureImageExists and go on; "await" collects the result.
	Async bool `json:"async,omitempty"`

	// step
	Seconds *float64 `json:"seconds,omitempty"`

	// runtime (pull rules), addImage / removeImage / release
	Pulls []PullRule `json:"pulls,omitempty"`
	// addImage / removeImage / release / runtime statusError: the image (and for addImage its ref, size, names)
	ImageIn
	// runtime: make ImageStatus fail for Image (nil clears it)
	StatusError *GRPCError `json:"statusError,omitempty"`

	// await: the index of an async ensureImage call
	Call *int `json:"call,omitempty"`
}

// PodIn identifies a pod.
type PodIn struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	UID       string `json:"uid,omitempty"`
}

// ContainerIn is the container whose image is ensured.
type ContainerIn struct {
	Name  string `json:"name,omitempty"`
	Image string `json:"image"`
	// ImagePullPolicy: empty means the API server's default (SetDefaults_Container).
	ImagePullPolicy string `json:"imagePullPolicy,omitempty"`
}

// SecretIn is an image pull secret of the pod (a kubernetes.io/dockerconfigjson Secret).
type SecretIn struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
	UID       string `json:"uid,omitempty"`
	// Either Registry + Username + Password (one "auths" entry), or DockerConfigJSON verbatim.
	Registry         string          `json:"registry,omitempty"`
	Username         string          `json:"username,omitempty"`
	Password         string          `json:"password,omitempty"`
	DockerConfigJSON json.RawMessage `json:"dockerConfigJson,omitempty"`
}

// Output is what the oracle prints on stdout.
type Output struct {
	APIVersion     string        `json:"apiVersion"`
	KubeletVersion string        `json:"kubeletVersion"`
	Config         ConfigOut     `json:"config"`
	Startup        *StartupOut   `json:"startup,omitempty"`
	Results        []Result      `json:"results"`
	Records        *RecordsOut   `json:"records,omitempty"`
	Images         []ImageStored `json:"images,omitempty"`
}

// ConfigOut is the kubelet config after decoding, defaulting and validation.
type ConfigOut struct {
	Valid bool `json:"valid"`
	// Errors, verbatim: decoding, feature gates, validation.
	Errors []string `json:"errors,omitempty"`
	// The image-related fields after defaulting.
	SerializeImagePulls                    bool            `json:"serializeImagePulls"`
	MaxParallelImagePulls                  *int32          `json:"maxParallelImagePulls"`
	RegistryPullQPS                        int32           `json:"registryPullQPS"`
	RegistryBurst                          int32           `json:"registryBurst"`
	ImagePullCredentialsVerificationPolicy string          `json:"imagePullCredentialsVerificationPolicy"`
	PreloadedImagesVerificationAllowlist   []string        `json:"preloadedImagesVerificationAllowlist"`
	MaxPods                                int32           `json:"maxPods,omitempty"`
	FeatureGates                           map[string]bool `json:"featureGates"`
}

// StartupOut is what the kubelet did when it started (CRI calls, events).
type StartupOut struct {
	CRI []CRICall `json:"cri"`
}

// Result is the answer to one call.
type Result struct {
	Index int    `json:"index"`
	Op    string `json:"op"`
	// At is the fake clock, in seconds since the start, when the call was made.
	At float64 `json:"at"`
	// ensureImage: the pull policy used (defaulted when the input had none).
	ImagePullPolicy string `json:"imagePullPolicy,omitempty"`
	// ensureImage: what EnsureImageExists returned.
	ImageRef string `json:"imageRef,omitempty"`
	Message  string `json:"message,omitempty"`
	// Error is the error EnsureImageExists returned (its text is the waiting reason).
	Error         string `json:"error,omitempty"`
	WaitingReason string `json:"waitingReason,omitempty"`
	// Pending: an async call not finished yet (see "await").
	Pending bool `json:"pending,omitempty"`
	// Async: the index of the async call this result completes.
	Completes *int       `json:"completes,omitempty"`
	Events    []EventOut `json:"events"`
	CRI       []CRICall  `json:"cri"`
	// Abandoned: restartKubelet: the async calls the old kubelet had in flight (never answered).
	Abandoned []int `json:"abandoned,omitempty"`
	// Removed: removeImage found the image.
	Removed *bool `json:"removed,omitempty"`
}

// EventOut is an event as the event correlator passes it on (or drops it).
type EventOut struct {
	Pod     string `json:"pod"`
	Type    string `json:"type"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
	// Count after the correlator (1: a new Event object; >1: an update of an existing one;
	// 0 when dropped).
	Count int32 `json:"count"`
	// Dropped: the correlator's spam filter dropped it (never written to the API server).
	Dropped bool `json:"dropped,omitempty"`
	// FieldPath of the involved object (spec.containers{name}).
	FieldPath string `json:"fieldPath,omitempty"`
}

// CRICall is one call the kubelet made to the image service.
type CRICall struct {
	Method string      `json:"method"`
	Image  string      `json:"image,omitempty"`
	Auth   *Credential `json:"auth,omitempty"`
	// The answer: an image ref, "absent", or an error.
	Ref   string `json:"ref,omitempty"`
	Error string `json:"error,omitempty"`
}

// RecordsOut are the KEP-2535 records on disk, as the kubelet wrote them.
type RecordsOut struct {
	Intents []json.RawMessage `json:"intents"`
	Pulled  []json.RawMessage `json:"pulled"`
}

// ImageStored is an image in the fake runtime's store at the end.
type ImageStored struct {
	Ref         string   `json:"ref"`
	Size        uint64   `json:"size"`
	RepoTags    []string `json:"repoTags,omitempty"`
	RepoDigests []string `json:"repoDigests,omitempty"`
}

// InputError is bad input: exit code 2.
type InputError struct {
	Call  int    `json:"call"`
	Field string `json:"field"`
	What  string `json:"error"`
}

func (e *InputError) Error() string {
	if e.Call < 0 {
		return "input: " + e.Field + ": " + e.What
	}
	return "input: calls[" + itoa(e.Call) + "]." + e.Field + ": " + e.What
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
