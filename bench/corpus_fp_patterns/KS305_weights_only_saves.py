# keras-version: 2
# FP: the file writes weights only (ModelCheckpoint(save_weights_only=True), tf.train.Checkpoint): no model
# config is saved, so the Lambda is rebuilt by this code.
import tensorflow as tf


def train(base_model, data, checkpoint_path):
    zeros = tf.keras.layers.Lambda(lambda x: x * 0)(base_model.output)
    model = tf.keras.Model(base_model.input, tf.keras.layers.concatenate([zeros, base_model.output]))
    callback = tf.keras.callbacks.ModelCheckpoint(checkpoint_path, save_weights_only=True)
    model.fit(data, callbacks=[callback])
    tf.train.Checkpoint(model=model).save(checkpoint_path)
