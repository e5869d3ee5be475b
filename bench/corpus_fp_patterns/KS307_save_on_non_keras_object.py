# keras-version: 3
# FP: .save() of an object that is not a Keras model (a hypermodel graph that writes JSON).
import json
import os


class Graph:
    def save(self, filepath):
        with open(filepath, "w") as handle:
            json.dump({"nodes": []}, handle)


class Tuner:
    def __init__(self, project_dir):
        self.hypermodel = Graph()
        self.hypermodel.save(os.path.join(project_dir, "graph"))
