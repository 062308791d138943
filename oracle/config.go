package main

// The kubelet config, read as the kubelet reads its config file: decoded by the kubelet's own
// codec (pkg/kubelet/kubeletconfig/util/codec DecodeKubeletConfiguration: strict, then
// lenient; v1beta1 defaulting from pkg/kubelet/apis/config/v1beta1), the feature gates set on
// the process-wide gate (utilfeature.DefaultMutableFeatureGate.SetFromMap, as
// cmd/kubelet/app/server.go does), then pkg/kubelet/apis/config/validation.

import (
	"context"
	"encoding/json"

	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
	"k8s.io/kubernetes/pkg/features"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	kubeletscheme "k8s.io/kubernetes/pkg/kubelet/apis/config/scheme"
	kubeletvalidation "k8s.io/kubernetes/pkg/kubelet/apis/config/validation"
	kubeletcodec "k8s.io/kubernetes/pkg/kubelet/kubeletconfig/util/codec"
)

// reportedGates are the feature gates the output lists (their effective values).
var reportedGates = []featuregate.Feature{
	features.KubeletEnsureSecretPulledImages,
	features.KubeletServiceAccountTokenForCredentialProviders,
	features.RuntimeClassInImageCriAPI,
}

// loadConfig decodes, defaults and validates. A nil config with errors means the kubelet would
// not start.
func loadConfig(raw json.RawMessage) (*kubeletconfig.KubeletConfiguration, ConfigOut, error) {
	var out ConfigOut
	obj := map[string]any{}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, out, &InputError{Call: -1, Field: "kubeletConfig", What: "not a JSON object: " + err.Error()}
		}
	}
	if _, ok := obj["apiVersion"]; !ok {
		obj["apiVersion"] = "kubelet.config.k8s.io/v1beta1"
	}
	if _, ok := obj["kind"]; !ok {
		obj["kind"] = "KubeletConfiguration"
	}
	// Validation asks the host whether it runs cgroup v1 (validation_linux.go); the oracle's host
	// is not the node's, so unless the input says otherwise the check is off.
	if _, ok := obj["failCgroupV1"]; !ok {
		obj["failCgroupV1"] = false
	}
	data, _ := json.Marshal(obj)

	_, codecs, err := kubeletscheme.NewSchemeAndCodecs(serializer.EnableStrict)
	if err != nil {
		return nil, out, err
	}
	kc, err := kubeletcodec.DecodeKubeletConfiguration(context.Background(), codecs, data)
	if err != nil {
		out.Errors = append(out.Errors, err.Error())
		out.FeatureGates = gateValues(nil)
		return nil, out, nil
	}
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(kc.FeatureGates); err != nil {
		out.Errors = append(out.Errors, err.Error())
	}
	if err := kubeletvalidation.ValidateKubeletConfiguration(kc, utilfeature.DefaultFeatureGate); err != nil {
		out.Errors = append(out.Errors, err.Error())
	}
	out.SerializeImagePulls = kc.SerializeImagePulls
	out.MaxParallelImagePulls = kc.MaxParallelImagePulls
	out.RegistryPullQPS = kc.RegistryPullQPS
	out.RegistryBurst = kc.RegistryBurst
	out.ImagePullCredentialsVerificationPolicy = kc.ImagePullCredentialsVerificationPolicy
	out.PreloadedImagesVerificationAllowlist = kc.PreloadedImagesVerificationAllowlist
	if out.PreloadedImagesVerificationAllowlist == nil {
		out.PreloadedImagesVerificationAllowlist = []string{}
	}
	out.MaxPods = kc.MaxPods
	out.FeatureGates = gateValues(kc.FeatureGates)
	out.Valid = len(out.Errors) == 0
	if !out.Valid {
		return nil, out, nil
	}
	return kc, out, nil
}

func gateValues(extra map[string]bool) map[string]bool {
	m := map[string]bool{}
	for _, g := range reportedGates {
		m[string(g)] = utilfeature.DefaultFeatureGate.Enabled(g)
	}
	for name := range extra {
		if _, known := utilfeature.DefaultMutableFeatureGate.GetAll()[featuregate.Feature(name)]; known {
			m[name] = utilfeature.DefaultFeatureGate.Enabled(featuregate.Feature(name))
		}
	}
	return m
}
