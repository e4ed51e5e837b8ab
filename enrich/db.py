import os
from pymongo import MongoClient
def connect(uri=None):
    uri = uri or os.environ.get("MONGODB_URI")
    return MongoClient(uri)["stackscout"]
