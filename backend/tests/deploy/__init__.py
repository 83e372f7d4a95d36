"""Deployment verification: validators on the Dockerfiles, compose files, k8s and CI config."""
