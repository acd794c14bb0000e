#!/bin/sh
# Waits until the Temporal cluster reports itself healthy, then registers
# scrutiny's namespace if it is missing (the server image, unlike the old
# auto-setup one, registers none). Closed workflows' histories are kept for
# TEMPORAL_NAMESPACE_RETENTION; it applies only when the namespace is
# created (change it later with `temporal operator namespace update`).
set -eu

address=${TEMPORAL_ADDRESS:-temporal:7233}
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_NAMESPACE_RETENTION:-30d}

tries=0
until temporal operator cluster health --address "$address"; do
	tries=$((tries + 1))
	if [ "$tries" -ge 60 ]; then
		echo "temporal-namespace: Temporal at $address is not healthy after 5 minutes" >&2
		exit 1
	fi
	sleep 5
done

if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
	echo "temporal-namespace: $namespace exists"
else
	temporal operator namespace create --namespace "$namespace" --retention "$retention" --address "$address"
	echo "temporal-namespace: $namespace created, retention $retention"
fi
