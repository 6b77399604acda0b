#!/bin/bash
# runmeter on a real NVIDIA GPU: records what NVML returns, runs a GPT job under runmeter (FLOPs, MFU), a CUDA OOM, the
# examples, and counts models exported by three ONNX exporters against torch's own counter. Usage: bash scripts/gpu/check.sh [DIR]
# (needs the build, node on PATH, python3 with torch, torchvision, transformers, onnx, nvidia-ml-py). Results land in DIR.
O=${1:-/tmp/runmeter-gpu-check}; OUT=${OUT:-$O}; mkdir -p $O; cd "$(dirname "$0")/../.."
save() { [ "$OUT" = "$O" ] && return; tar -czf $OUT/results.tgz --exclude=./onnx -C $O . 2>/dev/null; cp $O/log.txt $OUT/log.txt 2>/dev/null; }
log() { echo "== $(date +%T) $*" | tee -a $O/log.txt; }
exec > >(tee -a $O/all.txt) 2>&1
log start; nproc; free -g | head -2; uname -r
node --version && ./bin/runmeter --version
PY=$(command -v python3); $PY -c "import torch;print(torch.__version__, torch.cuda.get_device_name(0))"
nvidia-smi > $O/nvidia-smi.txt 2>&1; nvidia-smi -q > $O/nvidia-smi-q.txt 2>&1
nvidia-smi --query-gpu=index,uuid,name,utilization.gpu,utilization.memory,memory.used,memory.total,temperature.gpu,power.draw,clocks.sm,clocks_throttle_reasons.active --format=csv,noheader,nounits > $O/query-gpu-idle.csv 2>&1
export RUNMETER_STORE=$O/store
command -v taskset >/dev/null || taskset() { shift 2; "$@"; }
# CPU-side export of models runs beside the GPU stages, on cores 8-15.
( EXPORT_BUDGET=230 taskset -c 8-15 timeout 300 $PY scripts/gpu/export_models.py $O/onnx > $O/export.log 2>&1; echo "export rc=$?" >> $O/export.log ) &
EXPORT=$!
log "stage 0: machine facts"
{ ls -la /sys/class/powercap/ 2>&1; cat /sys/class/powercap/intel-rapl:0/energy_uj 2>&1; cat /proc/self/cgroup; cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max 2>&1; dmesg 2>&1 | tail -3; cat /proc/cpuinfo | grep "model name" | head -1; ldconfig -p | grep nvidia-ml; } > $O/machine.txt 2>&1
log "stage 1: NVML idle"; timeout 60 node scripts/gpu/nvml-probe.mjs idle > $O/nvml-idle.json 2> $O/nvml-idle.err; echo rc=$?
timeout 30 $PY scripts/gpu/gpm_ref.py idle > $O/gpm-ref-idle.json 2>&1; save
log "stage 2: NVML under load"
taskset -c 0-3 timeout 40 $PY scripts/gpu/load.py 14 > $O/load.log 2>&1 & LOAD=$!
sleep 5
timeout 30 $PY scripts/gpu/gpm_ref.py load > $O/gpm-ref-load.json 2>&1 & REF=$!
timeout 30 nvidia-smi dmon --gpm-metrics 2,3,5,10 -c 4 > $O/dmon-gpm.txt 2>&1 & DMON=$!
timeout 40 node scripts/gpu/nvml-probe.mjs load > $O/nvml-load.json 2> $O/nvml-load.err; echo rc=$?
nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader,nounits > $O/compute-apps.csv 2>&1
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used,power.draw,clocks.sm,clocks_throttle_reasons.active --format=csv,noheader,nounits > $O/query-gpu-load.csv 2>&1
wait $LOAD $REF $DMON; save
log "stage 3: runmeter run with a GPT job (--model, MFU)"
taskset -c 0-7 timeout 60 $PY scripts/gpu/train_gpt.py --export-only $O/gpt.onnx > $O/gpt-export.log 2>&1; echo export rc=$?
taskset -c 0-7 timeout 150 ./bin/runmeter run --name gpt --model $O/gpt.onnx --batch-size 16 --interval 2 -- $PY scripts/gpu/train_gpt.py --seconds 30 > $O/gpt-run.stdout 2> $O/gpt-run.stderr; echo run rc=$?
tail -5 $O/gpt-run.stderr; save
log "stage 4: a CUDA out of memory job, a Python client job, examples"
timeout 60 ./bin/runmeter run --name cuda-oom -- $PY -c "import torch; x = torch.ones(1, device='cuda'); y = torch.empty(400 * 2**30, dtype=torch.uint8, device='cuda')" > $O/oom.stdout 2> $O/oom.stderr; echo oom rc=$?
timeout 90 ./bin/runmeter run --name client -- $PY examples/pytorch_client.py --epochs 1 --samples 512 > $O/client.stdout 2> $O/client.stderr; echo client rc=$?
timeout 120 ./bin/runmeter run --name lightning -- $PY examples/lightning_example.py --epochs 1 --samples 256 > $O/lightning.stdout 2> $O/lightning.stderr; echo lightning rc=$?
timeout 120 ./bin/runmeter run --name hf -- $PY examples/huggingface_trainer.py --epochs 1 --samples 64 > $O/hf.stdout 2> $O/hf.stderr; echo hf rc=$?
for r in gpt cuda-oom client lightning hf; do ./bin/runmeter show $r --json > $O/show-$r.json 2>&1; done
./bin/runmeter show gpt 2>&1 | head -80
grep -h '"cause"' -A3 $O/show-cuda-oom.json | head
save
log "stage 5: the cost of each NVML call, the sampler's cost, reference MACs on CUDA"
timeout 60 node scripts/gpu/nvml-cost.mjs idle > $O/nvml-cost-idle.json
timeout 150 node bench/sample.bench.mjs > $O/sample-bench.txt 2>&1; cat $O/sample-bench.txt
timeout 150 $PY scripts/gpu/reference_cuda.py > $O/reference-cuda.json 2> $O/reference-cuda.err; save
log "stage 6: wait for exports"
wait $EXPORT; tail -40 $O/export.log
save
log done
