"""Escalation routes for public services: from "this went wrong" to the body's own
complaints procedure, the ombudsman that oversees it, and a Freedom of Information
request on WhatDoTheyKnow; operators add routes per sector."""
