"""The runtime verifier: really save and load the models the static checks
talk about, with real TensorFlow, in fresh processes.

Only `worker.py` imports TensorFlow/Keras, and only inside the subprocesses
it runs in; everything else here reads source and JSON.
"""
