package main

// Each test runs the oracle in a child process (this test binary re-executed), because the
// kubelet's feature gates are process-wide. The expectations are read from the kubelet's source
// of the release the binary links (adapterVersion); see docs/oracle.md.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	if os.Getenv("PULLCHECK_ORACLE_CHILD") == "1" {
		os.Exit(mainExit(os.Stdin, os.Stdout, os.Stderr, nil))
	}
	os.Exit(m.Run())
}

func oracle(t *testing.T, input string) (*Output, int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PULLCHECK_ORACLE_CHILD=1")
	cmd.Stdin = strings.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running the oracle: %v", err)
	}
	var out Output
	if code == 0 {
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
		}
	}
	return &out, code, stdout.String() + stderr.String()
}

func mustOracle(t *testing.T, input string) *Output {
	t.Helper()
	out, code, text := oracle(t, input)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, text)
	}
	if !out.Config.Valid {
		t.Fatalf("config not valid: %v", out.Config.Errors)
	}
	return out
}

func reasons(r Result) []string {
	var out []string
	for _, e := range r.Events {
		out = append(out, e.Reason)
	}
	return out
}

func pulls(r Result) []CRICall {
	var out []CRICall
	for _, c := range r.CRI {
		if c.Method == "PullImage" {
			out = append(out, c)
		}
	}
	return out
}

func wantResult(t *testing.T, r Result, errText, messagePrefix string) {
	t.Helper()
	if r.Error != errText {
		t.Errorf("calls[%d]: error %q, want %q (message %q)", r.Index, r.Error, errText, r.Message)
	}
	if !strings.HasPrefix(r.Message, messagePrefix) {
		t.Errorf("calls[%d]: message %q, want it to begin with %q", r.Index, r.Message, messagePrefix)
	}
}

func TestIfNotPresentImagePresentDoesNotPull(t *testing.T) {
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "images":[{"image":"registry.pullcheck.test/app:v1","ref":"sha256:aaa","size":1234}],
	 "calls":[{"op":"ensureImage","pod":{"name":"p"},"container":{"image":"registry.pullcheck.test/app:v1"}}]}`)
	r := out.Results[0]
	if r.ImagePullPolicy != "IfNotPresent" {
		t.Errorf("defaulted policy %q, want IfNotPresent (tag v1)", r.ImagePullPolicy)
	}
	wantResult(t, r, "", "Container image \"registry.pullcheck.test/app:v1\" already present on machine")
	if r.ImageRef != "sha256:aaa" {
		t.Errorf("imageRef %q", r.ImageRef)
	}
	if len(pulls(r)) != 0 {
		t.Errorf("pulled: %+v", r.CRI)
	}
	// KEP-2535 on (default in 1.35+), never pulled by this kubelet: preloaded, so no verification.
	want := "Container image \"registry.pullcheck.test/app:v1\" already present on machine and can be accessed by the pod"
	if len(r.Events) != 1 || r.Events[0].Reason != "Pulled" || r.Events[0].Message != want {
		t.Errorf("events %+v, want one Pulled %q", r.Events, want)
	}
}

func TestAlwaysFailingPullBacksOff(t *testing.T) {
	msg := `failed to pull and unpack image "registry.pullcheck.test/app:v1": connection refused`
	ensure := `{"op":"ensureImage","pod":{"name":"p"},"container":{"image":"registry.pullcheck.test/app:v1","imagePullPolicy":"Always"}}`
	step := func(s int) string { return `{"op":"step","seconds":` + itoa(s) + `}` }
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "pulls":[{"image":"registry.pullcheck.test/app:v1","error":{"code":"Unknown","message":`+jsonString(msg)+`}}],
	 "calls":[`+strings.Join([]string{ensure, ensure, step(10), ensure, step(10), ensure, step(10), ensure}, ",")+`]}`)
	rs := out.Results
	// 0: a pull, refused: ErrImagePull with the runtime's text (the CRI client strips "rpc error: code = Unknown desc = ").
	wantResult(t, rs[0], "ErrImagePull", msg)
	if got := reasons(rs[0]); strings.Join(got, ",") != "Pulling,Failed,Failed" {
		t.Errorf("events %v, want Pulling, Failed, Failed (Error: ErrImagePull)", got)
	}
	if len(pulls(rs[0])) != 1 {
		t.Errorf("pulls %+v", rs[0].CRI)
	}
	// 1: at once again: back-off (10 s), the message carries the previous error.
	wantResult(t, rs[1], "ImagePullBackOff", `Back-off pulling image "registry.pullcheck.test/app:v1": ErrImagePull: `+msg)
	if len(pulls(rs[1])) != 0 {
		t.Errorf("pulled during back-off")
	}
	// 3: 10 s later the window (10 s, strict <) is over: pull again, fail, window 20 s.
	wantResult(t, rs[3], "ErrImagePull", msg)
	// 5: 10 s into a 20 s window: back-off.
	wantResult(t, rs[5], "ImagePullBackOff", "Back-off pulling image")
	// 7: 20 s: pull again.
	wantResult(t, rs[7], "ErrImagePull", msg)
	// The correlator counts repeated identical events: the third "Pulling" is an update, count 3.
	for _, e := range rs[7].Events {
		if e.Reason == "Pulling" && e.Count != 3 {
			t.Errorf("Pulling count %d, want 3", e.Count)
		}
	}
}

func TestNeverAbsent(t *testing.T) {
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "calls":[{"op":"ensureImage","pod":{"name":"p"},"container":{"image":"registry.pullcheck.test/app:v1","imagePullPolicy":"Never"}}]}`)
	r := out.Results[0]
	wantResult(t, r, "ErrImageNeverPull", `Container image "registry.pullcheck.test/app:v1" is not present with pull policy of Never`)
	if got := reasons(r); strings.Join(got, ",") != "ErrImageNeverPull,Failed" {
		t.Errorf("events %v", got)
	}
}

func TestDefaultPolicyFromTag(t *testing.T) {
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "calls":[
	  {"op":"ensureImage","pod":{"name":"a"},"container":{"image":"app"}},
	  {"op":"ensureImage","pod":{"name":"b"},"container":{"image":"app:latest"}},
	  {"op":"ensureImage","pod":{"name":"c"},"container":{"image":"app:v1"}},
	  {"op":"ensureImage","pod":{"name":"d"},"container":{"image":"Invalid:Upper"}}]}`)
	want := []string{"Always", "Always", "IfNotPresent", "IfNotPresent"}
	for i, w := range want {
		if got := out.Results[i].ImagePullPolicy; got != w {
			t.Errorf("calls[%d]: policy %q, want %q", i, got, w)
		}
	}
	wantResult(t, out.Results[3], "InvalidImageName", `Failed to apply default image tag "Invalid:Upper": couldn't parse image name "Invalid:Upper": invalid reference format: repository name (library/Invalid) must be lowercase`)
	// The untagged image is pulled as "app:latest" (applyDefaultImageTag), the event names "app".
	if p := pulls(out.Results[0]); len(p) != 1 || p[0].Image != "app:latest" {
		t.Errorf("pull %+v, want app:latest", p)
	}
}

// Tenant A pulls a private image with its secret; tenant B has none.
func tenantsInput(policy string, allowlist string, tenantB string) string {
	cfg := `{"imagePullCredentialsVerificationPolicy":"` + policy + `"`
	if allowlist != "" {
		cfg += `,"preloadedImagesVerificationAllowlist":[` + jsonString(allowlist) + `]`
	}
	cfg += `}`
	return `{"apiVersion":"pullcheck.oracle/v1","kubeletConfig":` + cfg + `,
	 "pulls":[{"image":"registry.pullcheck.test/private:latest","ref":"sha256:bbb","auth":[{"username":"alice","password":"alice-secret"}]}],
	 "calls":[
	  {"op":"ensureImage","pod":{"name":"tenant-a"},"container":{"image":"registry.pullcheck.test/private:latest","imagePullPolicy":"Always"},
	   "pullSecrets":[{"name":"alice","registry":"registry.pullcheck.test","username":"alice","password":"alice-secret"}]},
	  {"op":"ensureImage","pod":{"name":"tenant-b"},"container":{"image":"registry.pullcheck.test/private:latest","imagePullPolicy":"` + tenantB + `"}}]}`
}

func TestSecretPulledImageForcesPullWithoutCredentials(t *testing.T) {
	out := mustOracle(t, tenantsInput("NeverVerifyPreloadedImages", "", "IfNotPresent"))
	a, b := out.Results[0], out.Results[1]
	if a.ImageRef != "sha256:bbb" || a.Error != "" {
		t.Fatalf("tenant-a: %+v", a)
	}
	if p := pulls(a); len(p) != 1 || p[0].Auth == nil || p[0].Auth.Username != "alice" {
		t.Errorf("tenant-a pulls %+v, want one with alice's credentials", p)
	}
	// The image is present but was pulled by the kubelet with a secret: B must verify, so a pull
	// is forced, anonymous, and refused.
	p := pulls(b)
	if len(p) != 1 || p[0].Auth != nil {
		t.Errorf("tenant-b pulls %+v, want one anonymous", p)
	}
	wantResult(t, b, "ErrImagePull", `failed to pull and unpack image "registry.pullcheck.test/private:latest"`)
	if len(out.Records.Pulled) != 1 {
		t.Fatalf("pulled records %d, want 1", len(out.Records.Pulled))
	}
	rec := string(out.Records.Pulled[0])
	if !strings.Contains(rec, `"sha256:bbb"`) || !strings.Contains(rec, `"alice-uid"`) {
		t.Errorf("pulled record %s", rec)
	}

	// Never: the image's presence is not revealed.
	out = mustOracle(t, tenantsInput("NeverVerifyPreloadedImages", "", "Never"))
	wantResult(t, out.Results[1], "ErrImageNeverPull", `Container image "registry.pullcheck.test/private:latest" is not present with pull policy of Never`)
}

func TestAllowlistMatchesTaggedImageFrom136(t *testing.T) {
	out := mustOracle(t, tenantsInput("NeverVerifyAllowlistedImages", "registry.pullcheck.test/private", "IfNotPresent"))
	b := out.Results[1]
	switch adapterVersion {
	case "1.35":
		// 1.35 looks the image up in the allowlist as written, tag included
		// (pullmanager/image_pull_policies.go imageMatches): no match, so B must verify.
		wantResult(t, b, "ErrImagePull", `failed to pull and unpack image`)
		if len(pulls(b)) != 1 {
			t.Errorf("1.35: want a forced pull, got %+v", b.CRI)
		}
	default:
		// 1.36+ trims tag and digest first (trimImageTagDigest): allowlisted, no pull.
		wantResult(t, b, "", `Container image "registry.pullcheck.test/private:latest" already present on machine and can be accessed by the pod`)
		if len(pulls(b)) != 0 {
			t.Errorf("%s: want no pull, got %+v", adapterVersion, b.CRI)
		}
	}
}

func TestFeatureGateOffSkipsVerification(t *testing.T) {
	in := strings.Replace(tenantsInput("NeverVerifyPreloadedImages", "", "IfNotPresent"),
		`"kubeletConfig":{"imagePullCredentialsVerificationPolicy":"NeverVerifyPreloadedImages"}`,
		`"kubeletConfig":{"featureGates":{"KubeletEnsureSecretPulledImages":false}}`, 1)
	out := mustOracle(t, in)
	if out.Config.FeatureGates["KubeletEnsureSecretPulledImages"] {
		t.Fatalf("gate still on")
	}
	b := out.Results[1]
	wantResult(t, b, "", `Container image "registry.pullcheck.test/private:latest" already present on machine`)
	if strings.Contains(b.Message, "can be accessed") || len(pulls(b)) != 0 {
		t.Errorf("gate off: %+v", b)
	}
	if len(out.Records.Pulled) != 0 {
		t.Errorf("gate off but records written: %d", len(out.Records.Pulled))
	}
}

func TestConfigDefaultingAndValidation(t *testing.T) {
	out, code, text := oracle(t, `{"apiVersion":"pullcheck.oracle/v1","kubeletConfig":{"maxParallelImagePulls":3},"calls":[]}`)
	if code != 0 || !out.Config.Valid || out.Config.SerializeImagePulls {
		t.Errorf("maxParallelImagePulls 3 alone: serializeImagePulls defaults to false and is valid; got exit %d %+v\n%s", code, out.Config, text)
	}
	out, code, _ = oracle(t, `{"apiVersion":"pullcheck.oracle/v1","kubeletConfig":{"serializeImagePulls":true,"maxParallelImagePulls":3},"calls":[]}`)
	want := "invalid configuration: maxParallelImagePulls cannot be larger than 1 unless SerializeImagePulls (--serialize-image-pulls) is set to false"
	if code != 0 || out.Config.Valid || len(out.Config.Errors) != 1 || out.Config.Errors[0] != want {
		t.Errorf("got exit %d %+v, want the error %q", code, out.Config, want)
	}
	out, _, _ = oracle(t, `{"apiVersion":"pullcheck.oracle/v1","kubeletConfig":{"registryBurst":0,"registryPullQPS":0},"calls":[]}`)
	if out.Config.RegistryBurst != 10 || out.Config.RegistryPullQPS != 0 {
		t.Errorf("registryBurst 0 defaults to 10, registryPullQPS 0 stays: %+v", out.Config)
	}
}

func TestRestartKeepsRecordsLosesBackOff(t *testing.T) {
	in := tenantsInput("NeverVerifyPreloadedImages", "", "IfNotPresent")
	in = strings.Replace(in, `]}`+"\n", "", 1)
	in = strings.TrimSuffix(strings.TrimSpace(in), "]}") + `,
	  {"op":"ensureImage","pod":{"name":"tenant-b"},"container":{"image":"registry.pullcheck.test/private:latest","imagePullPolicy":"IfNotPresent"}},
	  {"op":"restartKubelet"},
	  {"op":"ensureImage","pod":{"name":"tenant-b"},"container":{"image":"registry.pullcheck.test/private:latest","imagePullPolicy":"IfNotPresent"}}]}`
	out := mustOracle(t, in)
	wantResult(t, out.Results[2], "ImagePullBackOff", "Back-off pulling image")
	// After the restart the back-off is gone but the pulled record is read back from disk:
	// B is still made to pull.
	r := out.Results[4]
	wantResult(t, r, "ErrImagePull", "failed to pull and unpack image")
	if len(pulls(r)) != 1 {
		t.Errorf("after restart: %+v", r.CRI)
	}
}

func TestDeletedPodInFlightPullLands(t *testing.T) {
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "pulls":[{"image":"registry.pullcheck.test/app:v1","ref":"sha256:ccc","hold":true}],
	 "calls":[
	  {"op":"ensureImage","pod":{"name":"p"},"container":{"image":"registry.pullcheck.test/app:v1","imagePullPolicy":"Always"},"async":true},
	  {"op":"deletePod","pod":{"name":"p"}},
	  {"op":"release","image":"registry.pullcheck.test/app:v1"},
	  {"op":"await","call":0}]}`)
	if !out.Results[0].Pending {
		t.Fatalf("calls[0] not pending: %+v", out.Results[0])
	}
	var done *Result
	for i := range out.Results {
		if c := out.Results[i].Completes; c != nil && *c == 0 {
			done = &out.Results[i]
		}
	}
	if done == nil || done.ImageRef != "sha256:ccc" {
		t.Fatalf("the deleted pod's pull did not land: %+v", out.Results)
	}
	if len(out.Records.Pulled) != 1 || len(out.Records.Intents) != 0 {
		t.Errorf("records %d pulled, %d intents; want 1, 0", len(out.Records.Pulled), len(out.Records.Intents))
	}
}

func TestBadInput(t *testing.T) {
	_, code, text := oracle(t, `{"apiVersion":"pullcheck.oracle/v1","calls":[{"op":"step","seconds":1},{"op":"ensureImage","pod":{"name":"p"},"container":{"image":"a","imagePullPolicy":"Sometimes"}}]}`)
	if code != 2 || !strings.Contains(text, "calls[1].container.imagePullPolicy") {
		t.Errorf("exit %d, %s", code, text)
	}
	_, code, text = oracle(t, `{"apiVersion":"pullcheck.oracle/v1","calls":[{"op":"jump"}]}`)
	if code != 2 || !strings.Contains(text, `calls[0].op: unknown op "jump"`) {
		t.Errorf("exit %d, %s", code, text)
	}
	_, code, text = oracle(t, `{"apiVersion":"v0","calls":[]}`)
	if code != 2 || !strings.Contains(text, "apiVersion") {
		t.Errorf("exit %d, %s", code, text)
	}
	_, code, text = oracle(t, `{"apiVersion":"pullcheck.oracle/v1","calls":[{"op":"step","secnds":1}]}`)
	if code != 2 || !strings.Contains(text, "secnds") || strings.Contains(text, "goroutine") {
		t.Errorf("exit %d, %s", code, text)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestRecordKeyAndAllowlistPatternOfShortNames(t *testing.T) {
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "pulls":[{"image":"nginx:1.0","ref":"sha256:ddd"}],
	 "calls":[{"op":"ensureImage","pod":{"name":"a"},"container":{"image":"nginx:1.0"},
	  "pullSecrets":[{"name":"hub","registry":"docker.io","username":"u","password":"p"}]}]}`)
	if len(out.Records.Pulled) != 1 {
		t.Fatalf("records: %+v", out.Records)
	}
	var rec struct {
		CredentialMapping map[string]json.RawMessage `json:"credentialMapping"`
	}
	if err := json.Unmarshal(out.Records.Pulled[0], &rec); err != nil {
		t.Fatal(err)
	}
	// 1.35 keys the credentials by the normalized name (parsers.ParseImageName); 1.36+ by the
	// name as written without tag or digest (trimImageTagDigest).
	wantKey := "nginx"
	if adapterVersion == "1.35" {
		wantKey = "docker.io/library/nginx"
	}
	if _, ok := rec.CredentialMapping[wantKey]; !ok || len(rec.CredentialMapping) != 1 {
		t.Errorf("credential mapping keys %v, want only %q", rec.CredentialMapping, wantKey)
	}

	o, code, _ := oracle(t, `{"apiVersion":"pullcheck.oracle/v1","kubeletConfig":{"imagePullCredentialsVerificationPolicy":"NeverVerifyAllowlistedImages","preloadedImagesVerificationAllowlist":["nginx"]},"calls":[]}`)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if adapterVersion == "1.35" {
		want := "invalid configuration: invalid image pattern in `preloadedImagesVerificationAllowlist`: neither tag nor digest is accepted in an image reference: nginx"
		if o.Config.Valid || len(o.Config.Errors) != 1 || o.Config.Errors[0] != want {
			t.Errorf("1.35: pattern nginx: %v, want %q", o.Config.Errors, want)
		}
	} else if !o.Config.Valid {
		t.Errorf("%s: pattern nginx rejected: %v", adapterVersion, o.Config.Errors)
	}
}

func TestSpamFilterDropsEventsOfALongBackOff(t *testing.T) {
	calls := []string{}
	for i := 0; i < 30; i++ {
		calls = append(calls, `{"op":"ensureImage","pod":{"name":"p"},"container":{"image":"registry.pullcheck.test/app:v1","imagePullPolicy":"Always"}}`, `{"op":"step","seconds":10}`)
	}
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "pulls":[{"image":"registry.pullcheck.test/app:v1","error":{"code":"Unknown","message":"connection refused"}}],
	 "calls":[`+strings.Join(calls, ",")+`]}`)
	// client-go's spam filter: 25 events per object and type, then one per 5 minutes.
	warnings, dropped := 0, 0
	for _, r := range out.Results {
		for _, e := range r.Events {
			if e.Type == "Warning" {
				warnings++
				if e.Dropped {
					dropped++
				}
			}
		}
	}
	if warnings <= 25 || dropped != warnings-25 {
		t.Errorf("%d Warning events, %d dropped; want all but 25 dropped", warnings, dropped)
	}
}

func TestRegistryPullQPSOnTheFakeClock(t *testing.T) {
	ensure := func(pod, tag string) string {
		return `{"op":"ensureImage","pod":{"name":"` + pod + `"},"container":{"image":"registry.pullcheck.test/app:` + tag + `","imagePullPolicy":"Always"}}`
	}
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1","kubeletConfig":{"registryPullQPS":1,"registryBurst":1},
	 "pulls":[{"image":"registry.pullcheck.test/app:one"},{"image":"registry.pullcheck.test/app:two"}],
	 "calls":[`+ensure("first", "one")+`,`+ensure("second", "two")+`,{"op":"step","seconds":10},`+ensure("second", "two")+`]}`)
	// The token bucket does not wait: the second pull in the same second fails at once.
	wantResult(t, out.Results[0], "", "")
	wantResult(t, out.Results[1], "ErrImagePull", "pull QPS exceeded")
	if len(pulls(out.Results[1])) != 0 {
		t.Errorf("the refused pull reached the runtime")
	}
	// 10 s later (back-off over, bucket refilled): it pulls.
	wantResult(t, out.Results[3], "", "")
	if out.Results[3].ImageRef == "" {
		t.Errorf("no image ref after the refill: %+v", out.Results[3])
	}
}

func TestRestartDuringAPullKeepsTheIntent(t *testing.T) {
	out := mustOracle(t, `{"apiVersion":"pullcheck.oracle/v1",
	 "pulls":[{"image":"registry.pullcheck.test/app:v1","ref":"sha256:eee","hold":true}],
	 "calls":[
	  {"op":"ensureImage","pod":{"name":"p"},"container":{"image":"registry.pullcheck.test/app:v1","imagePullPolicy":"Always"},
	   "pullSecrets":[{"name":"s","registry":"registry.pullcheck.test","username":"u","password":"p"}],"async":true},
	  {"op":"records"},
	  {"op":"restartKubelet"},
	  {"op":"addImage","image":"registry.pullcheck.test/app:v1","ref":"sha256:eee"},
	  {"op":"restartKubelet"},
	  {"op":"ensureImage","pod":{"name":"q"},"container":{"image":"registry.pullcheck.test/app:v1","imagePullPolicy":"Never"}}]}`)
	if a := out.Results[2].Abandoned; len(a) != 1 || a[0] != 0 {
		t.Fatalf("restart: abandoned %v, want [0]", a)
	}
	// The second kubelet starts with an intent on disk and the image present: it lists the
	// images (PullManager.initialize) and turns the intent into a record without credentials.
	listed := false
	for _, c := range out.Results[4].CRI {
		if c.Method == "ListImages" {
			listed = true
		}
	}
	if !listed {
		t.Errorf("no ListImages at the start after an interrupted pull: %+v", out.Results[4].CRI)
	}
	if len(out.Records.Intents) != 0 || len(out.Records.Pulled) != 1 {
		t.Fatalf("records: %d intents, %d pulled; want 0, 1", len(out.Records.Intents), len(out.Records.Pulled))
	}
	// Such a record has no credentials: every pod must verify. With Never, that is ErrImageNeverPull.
	wantResult(t, out.Results[5], "ErrImageNeverPull", "Container image")
}
