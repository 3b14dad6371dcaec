// Command heavy is scripts/bench.sh's dependency-heavy target: a main
// package that links controller-runtime, client-go and protobuf, as a
// Kubernetes controller does, and exits at once without a cluster.
package main

import (
	"fmt"
	"os"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

func main() {
	cfg := &rest.Config{Host: "https://127.0.0.1:1"}
	if _, err := kubernetes.NewForConfig(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "client-go:", err)
		os.Exit(1)
	}
	var _ client.Client
	_ = ctrl.Options{}
	pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}
	ts, err := protojson.Marshal(timestamppb.New(pod.CreationTimestamp.Time))
	if err != nil {
		fmt.Fprintln(os.Stderr, "protojson:", err)
		os.Exit(1)
	}
	fmt.Printf("pod %s created %s\n", pod.Name, ts)
}
