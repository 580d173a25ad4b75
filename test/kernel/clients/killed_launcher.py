"""Starts a kernel with jupyter_client's KernelManager (which sets JPY_PARENT_PID), prints
the kernel's pid, then waits to be SIGKILLed by the test."""
import os
import sys
import time

from jupyter_client import KernelManager

km = KernelManager(kernel_name=sys.argv[1])
km.start_kernel(cwd=sys.argv[2])
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
print(km.provisioner.process.pid, flush=True)
time.sleep(600)
