import numpy as np
from math import exp,log
def table(p,q0):
    lA,lB,th,g=p; A=exp(lA); B=exp(lB)
    q=np.zeros(111); q[0]=q0
    for x in range(1,111):
        xm=x+0.5
        mu = A + B*exp(th*(xm-65)+g*(xm-65)**2)
        q[x]=1-exp(-mu)
    q[110]=1.0
    return q
def ex(q,age):
    l=1.0; T=0.0
    for x in range(age,111):
        if q[x]>=1.0: T+=l*0.5; break
        mu=-log(1-q[x]); T+=l*(1-exp(-mu))/mu; l*=1-q[x]
    return T
def fit(targets,q0,p):
    p=np.array(p,float)
    ages=[a for a,_ in targets]; t=np.array([e for _,e in targets])
    for it in range(100):
        f=np.array([ex(table(p,q0),a) for a in ages])-t
        J=np.zeros((len(ages),4))
        for j in range(4):
            d=np.zeros(4); d[j]=1e-6
            J[:,j]=(np.array([ex(table(p+d,q0),a) for a in ages])-t-f)/1e-6
        p+=np.linalg.lstsq(J,-f,rcond=None)[0]
        if abs(f).max()<1e-9: break
    return p
for sex,tg,q0 in [("male",[(0,81.05),(65,19.44),(75,12.04),(90,4.14)],0.00185),("female",[(0,87.09),(65,24.30),(75,15.67),(90,5.57)],0.00170)]:
    p=fit(tg,q0,[log(3e-4),log(0.01),0.1,0.0])
    q=table(p,q0)
    print(sex,p,[ (a,round(ex(q,a),3)) for a in (0,20,40,65,75,90,100)], "q65..80",[round(q[a],5) for a in (0,1,20,40,65,70,75,80,90,100)])
    print("[" + ", ".join("%.6g"%v for v in q) + "]")
